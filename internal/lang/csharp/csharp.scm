; C# extraction query. Capture conventions: see internal/parse/parse.go.
;
; Namespaces are nodes and prefix the qualified names of what they hold
; (Shop.Services.OrderService.Place); a file-scoped namespace (namespace
; X;) holds the rest of its file. Visibility is the access modifiers
; (public, private, protected, internal); without one, members are private
; (the language default, see csharp.go), types directly in a namespace or
; the file are internal, interface members and enum members public.
; Records are classes, properties, events and indexers fields, enum members
; constants. Definitions are deduplicated by their @name node and the
; earliest pattern wins, so context-specific patterns come first.

; ---------------------------------------------------------------- namespaces

(namespace_declaration
  name: (_) @name
  body: (declaration_list) @body) @definition.namespace

(file_scoped_namespace_declaration
  name: (_) @name) @definition.namespace

; ---------------------------------------------------------------- types

; Interface members are public.
(interface_declaration
  body: (declaration_list
    [
      (method_declaration
        name: (identifier) @name
        body: (_)? @body) @definition.method
      (property_declaration
        name: (identifier) @name) @definition.field
      (event_declaration
        name: (identifier) @name) @definition.field
    ])
  (#set! visibility "public"))

; Types directly in a namespace or in the file are internal by default.
([
  (compilation_unit
    [
      (class_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.class
      (record_declaration (modifier)* @visibility name: (identifier) @name) @definition.class
      (struct_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.struct
      (interface_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.interface
      (enum_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.enum
      (delegate_declaration (modifier)* @visibility name: (identifier) @name) @definition.type_alias
    ])
  (namespace_declaration
    body: (declaration_list
      [
        (class_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.class
        (record_declaration (modifier)* @visibility name: (identifier) @name) @definition.class
        (struct_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.struct
        (interface_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.interface
        (enum_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.enum
        (delegate_declaration (modifier)* @visibility name: (identifier) @name) @definition.type_alias
      ]))
]
  (#set! visibility "internal"))

(class_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.class
(record_declaration (modifier)* @visibility name: (identifier) @name) @definition.class
(struct_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.struct
(interface_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.interface
(enum_declaration (modifier)* @visibility name: (identifier) @name body: (_) @body) @definition.enum
(delegate_declaration (modifier)* @visibility name: (identifier) @name) @definition.type_alias

; ---------------------------------------------------------------- members

(method_declaration
  (modifier)* @visibility
  name: (identifier) @name
  body: (_)? @body) @definition.method

(constructor_declaration
  (modifier)* @visibility
  name: (identifier) @name
  body: (_)? @body) @definition.constructor

(destructor_declaration
  name: (identifier) @name
  body: (_)? @body) @definition.method

(operator_declaration
  (modifier)* @visibility
  operator: _ @name
  body: (_)? @body) @definition.method

(conversion_operator_declaration
  (modifier)* @visibility
  type: (_) @name
  body: (_)? @body) @definition.method

(local_function_statement
  name: (identifier) @name
  body: (_)? @body) @definition.function

(property_declaration
  (modifier)* @visibility
  name: (identifier) @name) @definition.field

(event_declaration
  (modifier)* @visibility
  name: (identifier) @name) @definition.field

(indexer_declaration
  (modifier)* @visibility
  "this" @name) @definition.field

; const fields are constants.
(field_declaration
  (modifier)* @visibility
  (modifier "const")
  (variable_declaration
    (variable_declarator name: (identifier) @name))) @definition.constant

(field_declaration
  (modifier)* @visibility
  (variable_declaration
    (variable_declarator name: (identifier) @name))) @definition.field

(event_field_declaration
  (modifier)* @visibility
  (variable_declaration
    (variable_declarator name: (identifier) @name))) @definition.field

(enum_member_declaration
  name: (identifier) @name
  (#set! visibility "public")) @definition.constant

; Positional record parameters are public properties.
(record_declaration
  (parameter_list
    (parameter name: (identifier) @name) @definition.field)
  (#set! visibility "public"))

; ---------------------------------------------------------------- usings
; using A.B; imports the namespace A.B (name "*"); using X = A.B.C; imports
; A.B.C as X; using static A.B.C; imports the members of class A.B.C (also
; as "*").

(using_directive
  name: (identifier) @import.alias
  [(identifier) (qualified_name) (generic_name)] @reference.import)

(using_directive
  !name
  [(identifier) (qualified_name)] @reference.import)

; ---------------------------------------------------------------- calls

; F(), Helpers.Audit(), _repo.Save(), this.Log(), base.Dispose(),
; a.b().c(): the callee as written (the engine collapses inner argument
; lists); generic arguments are dropped by resolution.
(invocation_expression
  function: [(identifier) (generic_name)] @reference.call)

(invocation_expression
  function: (member_access_expression) @reference.call)

(invocation_expression
  function: (conditional_access_expression
    (member_binding_expression name: (_) @reference.call)))

; new Order(...), new List<Order>()
(object_creation_expression
  type: [(identifier) (qualified_name)] @reference.call)

(object_creation_expression
  type: (generic_name (identifier) @reference.call))

; : base(...) / : this(...)
(constructor_initializer
  ["base" "this"] @reference.call)

; ---------------------------------------------------------------- inheritance
; The base list mixes the base class and interfaces: an I-prefixed name
; (IDisposable) is an interface by convention, the rest the base class.

(class_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.implements
    (#match? @reference.implements "(^|\\.)I[A-Z]")))

(class_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.inherits
    (#not-match? @reference.inherits "(^|\\.)I[A-Z]")))

(record_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.implements
    (#match? @reference.implements "(^|\\.)I[A-Z]")))

(record_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.inherits
    (#not-match? @reference.inherits "(^|\\.)I[A-Z]")))

(struct_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.implements))

(interface_declaration
  (base_list
    [(identifier) (qualified_name) (generic_name (identifier))] @reference.inherits))

; ---------------------------------------------------------------- types

([
  (parameter type: [(identifier) (qualified_name)] @reference.type)
  (variable_declaration type: [(identifier) (qualified_name)] @reference.type)
  (property_declaration type: [(identifier) (qualified_name)] @reference.type)
  (method_declaration returns: [(identifier) (qualified_name)] @reference.type)
  (type_argument_list [(identifier) (qualified_name)] @reference.type)
  (generic_name (identifier) @reference.type)
  (array_type type: [(identifier) (qualified_name)] @reference.type)
  (nullable_type type: [(identifier) (qualified_name)] @reference.type)
  (cast_expression type: [(identifier) (qualified_name)] @reference.type)
  (typeof_expression type: [(identifier) (qualified_name)] @reference.type)
  (attribute name: [(identifier) (qualified_name)] @reference.type)
]
  (#not-match? @reference.type "^(var|dynamic|nameof)$"))

; ---------------------------------------------------------------- locals
; Local declarations with a type or an initialiser (Order o = ...; var o =
; new Order(...)), kept on the enclosing method for resolution.
(local_declaration_statement
  (variable_declaration) @local)
