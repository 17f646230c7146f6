; Python extraction query. Capture conventions: see internal/parse/parse.go.
;
; - A decorated definition's node is its decorated_definition, so its lines,
;   signature and calls include the decorators (a decorator's calls attach
;   to the function or class it decorates).
; - @body is the ":" that opens the block, so the signature stops there even
;   when a comment follows it.
; - @doc is the docstring's content (works for """, ''', r""" alike); without
;   a docstring the engine uses the # comments right above the definition.
; - Definitions are deduplicated by their @name node, earliest pattern first:
;   the specific patterns (enum, interface, constructor, constant, ...) come
;   before the generic ones.

; ---------------------------------------------------------------------------
; Classes. A base Enum/IntEnum/StrEnum/Flag/IntFlag makes an enum, Protocol
; an interface; anything else is a class.

(decorated_definition
  definition: (class_definition
    name: (identifier) @name
    superclasses: (argument_list [(identifier) (attribute)] @_base)
    ":" @body
    body: (block . (expression_statement (string (string_content) @doc))?))
  (#any-of? @_base "Enum" "IntEnum" "StrEnum" "Flag" "IntFlag" "enum.Enum" "enum.IntEnum" "enum.StrEnum" "enum.Flag" "enum.IntFlag")) @definition.enum

(class_definition
  name: (identifier) @name
  superclasses: (argument_list [(identifier) (attribute)] @_base)
  ":" @body
  body: (block . (expression_statement (string (string_content) @doc))?)
  (#any-of? @_base "Enum" "IntEnum" "StrEnum" "Flag" "IntFlag" "enum.Enum" "enum.IntEnum" "enum.StrEnum" "enum.Flag" "enum.IntFlag")) @definition.enum

(decorated_definition
  definition: (class_definition
    name: (identifier) @name
    superclasses: (argument_list [
      (identifier) @_base
      (attribute) @_base
      (subscript value: [(identifier) (attribute)] @_base)
    ])
    ":" @body
    body: (block . (expression_statement (string (string_content) @doc))?))
  (#any-of? @_base "Protocol" "typing.Protocol" "typing_extensions.Protocol")) @definition.interface

(class_definition
  name: (identifier) @name
  superclasses: (argument_list [
    (identifier) @_base
    (attribute) @_base
    (subscript value: [(identifier) (attribute)] @_base)
  ])
  ":" @body
  body: (block . (expression_statement (string (string_content) @doc))?)
  (#any-of? @_base "Protocol" "typing.Protocol" "typing_extensions.Protocol")) @definition.interface

(decorated_definition
  definition: (class_definition
    name: (identifier) @name
    ":" @body
    body: (block . (expression_statement (string (string_content) @doc))?))) @definition.class

(class_definition
  name: (identifier) @name
  ":" @body
  body: (block . (expression_statement (string (string_content) @doc))?)) @definition.class

; Bases as written: Base, abc.ABC, Generic (of Generic[T]). Keyword arguments
; (metaclass=...) are not bases.
(class_definition
  superclasses: (argument_list [(identifier) (attribute)] @reference.inherits))

(class_definition
  superclasses: (argument_list
    (subscript value: [(identifier) (attribute)] @reference.inherits)))

; Type arguments of generic bases and the metaclass are type references.
(class_definition
  superclasses: (argument_list
    (subscript subscript: [(identifier) (attribute)] @reference.type))
  (#not-match? @reference.type "^((typing|t|typing_extensions|builtins)\\.)?(int|float|complex|str|bytes|bytearray|bool|object|list|dict|set|frozenset|tuple|type|memoryview|range|slice|Any|Optional|Union|List|Dict|Set|FrozenSet|Tuple|Type|Callable|Literal|Final|ClassVar|Annotated|TypeAlias|Self|NoReturn|Never|LiteralString|TypeGuard|TypeIs|Unpack|Required|NotRequired|ReadOnly)$"))

(class_definition
  superclasses: (argument_list
    (keyword_argument
      name: (identifier) @_kw
      value: [(identifier) (attribute)] @reference.type))
  (#eq? @_kw "metaclass"))

; ---------------------------------------------------------------------------
; Functions. A function directly in a class becomes a method (engine rule);
; __init__ in a class body is the constructor. Nested functions are
; functions qualified by their enclosing function (outer.inner).

(class_definition
  body: (block [
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name
        ":" @body
        body: (block . (expression_statement (string (string_content) @doc))?))) @definition.constructor
    (function_definition
      name: (identifier) @name
      ":" @body
      body: (block . (expression_statement (string (string_content) @doc))?)) @definition.constructor
  ])
  (#eq? @name "__init__"))

(decorated_definition
  definition: (function_definition
    name: (identifier) @name
    ":" @body
    body: (block . (expression_statement (string (string_content) @doc))?))) @definition.function

(function_definition
  name: (identifier) @name
  ":" @body
  body: (block . (expression_statement (string (string_content) @doc))?)) @definition.function

; A lambda assigned to a name is a function named after it (a method when
; assigned in a class body). Anonymous lambdas are not nodes: their calls
; attach to the enclosing definition.
(assignment
  left: (identifier) @name
  right: (lambda body: (_) @body)) @definition.function

; ---------------------------------------------------------------------------
; Class-level attributes: enum members and UPPER_CASE names are constants,
; the rest are fields. Covered: plain, annotated (x: int = 0), unpacking
; (x, y = 0, 0) and chained (a = b = 0) assignments directly in the class
; body. Assignments in an if/try inside a class body fall through to the
; generic patterns below (a variable parented to the class): matching them
; here cost ~20% more query time for a handful of hits.

(class_definition
  superclasses: (argument_list [(identifier) (attribute)] @_base)
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.constant))
  (#any-of? @_base "Enum" "IntEnum" "StrEnum" "Flag" "IntFlag" "enum.Enum" "enum.IntEnum" "enum.StrEnum" "enum.Flag" "enum.IntFlag"))

(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.constant))
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.field)))

(class_definition
  body: (block
    (expression_statement
      (assignment
        left: [
          (pattern_list (identifier) @name)
          (tuple_pattern (identifier) @name)
        ]) @definition.field)))

; a = b = value: the node is the whole assignment, so b is not nested in a.
(class_definition
  body: (block
    (expression_statement
      (assignment
        right: [
          (assignment left: (identifier) @name)
          (assignment right: (assignment left: (identifier) @name))
          (assignment right: (assignment right: (assignment left: (identifier) @name)))
        ]) @definition.field)))

; Instance attributes: self.x = ... (also self.x: T = ..., self.a, self.b = ...)
; anywhere in a method. NOTE: the engine currently drops fields nested in a
; function as locals, so these produce nothing yet; with the engine change
; described in the report they become fields of the enclosing class (first
; assignment wins, class-level declarations take precedence).
(expression_statement
  (assignment
    left: [
      (attribute object: (identifier) @_self attribute: (identifier) @name)
      (pattern_list (attribute object: (identifier) @_self attribute: (identifier) @name))
    ]) @definition.field
  (#eq? @_self "self"))

; ---------------------------------------------------------------------------
; Module-level names. Assignments are matched wherever they are (module
; level, or in a module-level if/try/with/for block); the engine drops the
; ones inside functions as locals.

(type_alias_statement
  left: (type [
    (identifier) @name
    (generic_type (identifier) @name)
  ])) @definition.type_alias

; X: TypeAlias = ...
(assignment
  left: (identifier) @name
  type: (type [(identifier) (attribute)] @_t)
  (#any-of? @_t "TypeAlias" "typing.TypeAlias" "typing_extensions.TypeAlias")) @definition.type_alias

; X = NewType("X", base)
(assignment
  left: (identifier) @name
  right: (call function: [(identifier) (attribute)] @_f)
  (#any-of? @_f "NewType" "typing.NewType")) @definition.type_alias

; T = TypeVar("T") is a (type) variable, not a constant.
(assignment
  left: (identifier) @name
  right: (call function: [(identifier) (attribute)] @_f)
  (#any-of? @_f "TypeVar" "typing.TypeVar" "ParamSpec" "typing.ParamSpec" "TypeVarTuple" "typing.TypeVarTuple")) @definition.variable

(expression_statement
  (assignment left: (identifier) @name) @definition.constant
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(expression_statement
  (assignment left: (identifier) @name) @definition.variable)

(expression_statement
  (assignment
    right: [
      (assignment left: (identifier) @name)
      (assignment right: (assignment left: (identifier) @name))
      (assignment right: (assignment right: (assignment left: (identifier) @name)))
    ]) @definition.variable)

; a, b = ...   (a, b) = ...
(expression_statement
  (assignment
    left: [
      (pattern_list (identifier) @name)
      (tuple_pattern (identifier) @name)
    ]) @definition.variable)

; ---------------------------------------------------------------------------
; Imports, wherever they are (module level, if/try blocks, functions).
; The local name of `import a.b` is a; of `import a.b as c`, c.

(import_statement
  name: (dotted_name . (identifier) @import.alias) @reference.import)

(import_statement
  name: (aliased_import
    name: (dotted_name) @reference.import
    alias: (identifier) @import.alias))

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @reference.import
  name: (dotted_name) @import.name)

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @reference.import
  name: (aliased_import
    name: (dotted_name) @import.name
    alias: (identifier) @import.alias))

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @reference.import
  (wildcard_import) @import.name)

(future_import_statement
  "__future__" @reference.import
  name: [
    (dotted_name) @import.name
    (aliased_import name: (dotted_name) @import.name alias: (identifier) @import.alias)
  ])

; ---------------------------------------------------------------------------
; Calls: the callee as written (f, self.save, os.path.join, a.b().c,
; handlers[k]). Class instantiation is a call (Session(url)). A decorator
; without arguments (@property) is a call of the decorator.

(call
  function: [(identifier) (attribute) (subscript)] @reference.call)

(decorator [(identifier) (attribute)] @reference.call)

; ---------------------------------------------------------------------------
; Type references in annotations (parameters, return types, variables,
; fields, type aliases, type parameter bounds). Annotations are ordinary
; expressions, so the usual shapes are enumerated: names, dotted names,
; X[...] generics, X | Y unions, [A, B] (Callable arguments) and "Forward"
; string references. Builtin types and typing special forms are skipped.

([
  (type (identifier) @reference.type)
  (type (attribute) @reference.type)
  (generic_type (identifier) @reference.type)
  (type (subscript value: [(identifier) (attribute)] @reference.type))
  (type (subscript subscript: [(identifier) (attribute)] @reference.type))
  (type (binary_operator [(identifier) (attribute)] @reference.type))
  (type (binary_operator (binary_operator [(identifier) (attribute)] @reference.type)))
  (type (list [(identifier) (attribute)] @reference.type))
]
  (#not-match? @reference.type "^((typing|t|typing_extensions|builtins)\\.)?(int|float|complex|str|bytes|bytearray|bool|object|list|dict|set|frozenset|tuple|type|memoryview|range|slice|Any|Optional|Union|List|Dict|Set|FrozenSet|Tuple|Type|Callable|Literal|Final|ClassVar|Annotated|TypeAlias|Self|NoReturn|Never|LiteralString|TypeGuard|TypeIs|Unpack|Required|NotRequired|ReadOnly)$"))

; "Forward" references: a string annotation that names a type.
([
  (typed_parameter type: (type (string (string_content) @reference.type)))
  (typed_default_parameter type: (type (string (string_content) @reference.type)))
  (function_definition return_type: (type (string (string_content) @reference.type)))
  (assignment type: (type (string (string_content) @reference.type)))
]
  (#match? @reference.type "^[A-Za-z_][A-Za-z0-9_.]*$")
  (#not-match? @reference.type "^((typing|t|typing_extensions|builtins)\\.)?(int|float|complex|str|bytes|bytearray|bool|object|list|dict|set|frozenset|tuple|type|memoryview|range|slice|Any|Optional|Union|List|Dict|Set|FrozenSet|Tuple|Type|Callable|Literal|Final|ClassVar|Annotated|TypeAlias|Self|NoReturn|Never|LiteralString|TypeGuard|TypeIs|Unpack|Required|NotRequired|ReadOnly)$"))

; ... and inside a generic's arguments (list["Tag"]), except Literal["a"].
(generic_type
  (identifier) @_generic
  (type_parameter (type (string (string_content) @reference.type)))
  (#not-any-of? @_generic "Literal" "typing.Literal")
  (#match? @reference.type "^[A-Za-z_][A-Za-z0-9_.]*$")
  (#not-match? @reference.type "^((typing|t|typing_extensions|builtins)\\.)?(int|float|complex|str|bytes|bytearray|bool|object|list|dict|set|frozenset|tuple|type|memoryview|range|slice|Any|Optional|Union|List|Dict|Set|FrozenSet|Tuple|Type|Callable|Literal|Final|ClassVar|Annotated|TypeAlias|Self|NoReturn|Never|LiteralString|TypeGuard|TypeIs|Unpack|Required|NotRequired|ReadOnly)$"))

; ---------------------------------------------------------------------------
; Local declarations whose value or annotation tells the variable's type
; (x = Foo(...), x: Foo = ...), kept as text on the enclosing function
; (Node.Locals) for resolution. Module-level ones have no enclosing function
; and are not kept.
(assignment left: (identifier) !type right: (call function: [(identifier) (attribute)])) @local
(assignment left: (identifier) type: (type) !right) @local
(assignment
  left: (identifier)
  type: (type)
  right: [(call) (identifier) (attribute) (await)]) @local

; ---------------------------------------------------------------------------
; A function passed as an argument by name (map(self.handle, xs),
; Thread(target=run)): a references edge, which resolution binds like a
; call, to the repository's functions only.
(call arguments: (argument_list [(identifier) (attribute)] @reference.value))
(call arguments: (argument_list (keyword_argument value: [(identifier) (attribute)] @reference.value)))
