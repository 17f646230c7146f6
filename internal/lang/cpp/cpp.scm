; C++ extraction query. Capture conventions: see internal/parse/parse.go.
;
; Definitions wrapped in `template <...>` use the template_declaration as
; their node, so that the signature and line range include the template
; header (the engine keeps, per name, the definition that starts first).

; ---------------------------------------------------------------- imports

(preproc_include
  path: [(string_literal) (system_lib_string)] @reference.import)

; using namespace std;  using std::string;  (namespace scope only: in a
; class body `using Base::f;` is a member declaration, not an import)
(translation_unit (using_declaration [(identifier) (qualified_identifier)] @reference.import))
(declaration_list (using_declaration [(identifier) (qualified_identifier)] @reference.import))
(preproc_ifdef (using_declaration [(identifier) (qualified_identifier)] @reference.import))
(preproc_if (using_declaration [(identifier) (qualified_identifier)] @reference.import))

; namespace fs = std::filesystem;
(namespace_alias_definition
  name: (namespace_identifier) @import.alias
  [(nested_namespace_specifier) (namespace_identifier) (qualified_identifier)] @reference.import)

; ---------------------------------------------------------------- macros

(preproc_def
  name: (identifier) @name
  value: (preproc_arg)) @definition.macro

(preproc_function_def
  name: (identifier) @name) @definition.macro

; ---------------------------------------------------------------- namespaces

(namespace_definition
  name: [(namespace_identifier) (nested_namespace_specifier)] @name
  body: (declaration_list) @body) @definition.namespace

; ---------------------------------------------------------------- types

(template_declaration
  (class_specifier
    name: [(type_identifier) (qualified_identifier)] @name
    body: (field_declaration_list) @body)) @definition.class

(template_declaration
  (class_specifier
    name: (template_type name: (type_identifier) @name)
    body: (field_declaration_list) @body)) @definition.class

(class_specifier
  name: [(type_identifier) (qualified_identifier)] @name
  body: (field_declaration_list) @body) @definition.class

(template_declaration
  (struct_specifier
    name: [(type_identifier) (qualified_identifier)] @name
    body: (field_declaration_list) @body)) @definition.struct

(template_declaration
  (struct_specifier
    name: (template_type name: (type_identifier) @name)
    body: (field_declaration_list) @body)) @definition.struct

(struct_specifier
  name: [(type_identifier) (qualified_identifier)] @name
  body: (field_declaration_list) @body) @definition.struct

(union_specifier
  name: [(type_identifier) (qualified_identifier)] @name
  body: (field_declaration_list) @body) @definition.union

(enum_specifier
  name: [(type_identifier) (qualified_identifier)] @name
  body: (enumerator_list) @body) @definition.enum

(enumerator
  name: (identifier) @name) @definition.constant

; typedef struct { ... } Point;
(type_definition
  type: (struct_specifier !name body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.struct

(type_definition
  type: (union_specifier !name body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.union

(type_definition
  type: (enum_specifier !name body: (enumerator_list) @body)
  declarator: (type_identifier) @name) @definition.enum

; typedef struct node_s { ... } node_t;  the alias is its declarator alone.
(type_definition
  type: [
    (struct_specifier name: (type_identifier) @_tag body: (field_declaration_list))
    (union_specifier name: (type_identifier) @_tag body: (field_declaration_list))
    (enum_specifier name: (type_identifier) @_tag body: (enumerator_list))
    (class_specifier name: (type_identifier) @_tag body: (field_declaration_list))
  ]
  declarator: (type_identifier) @name @definition.type_alias
  (#not-eq? @_tag @name))

(type_definition
  type: (_) @_type
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))
    (function_declarator declarator: (type_identifier) @name)
  ]
  (#not-match? @_type "^(struct|union|enum|class)[^{]*[{]")) @definition.type_alias

(template_declaration
  (alias_declaration
    name: (type_identifier) @name
    ";" @body)) @definition.type_alias

(alias_declaration
  name: (type_identifier) @name) @definition.type_alias

; C++20 concepts: named requirements on types.
(template_declaration
  (concept_definition
    name: (identifier) @name
    .
    (_) @body)) @definition.interface

; ---------------------------------------------------------------- inheritance

(base_class_clause [
  (type_identifier)
  (qualified_identifier name: [(type_identifier) (qualified_identifier name: (type_identifier))])
] @reference.inherits)

(base_class_clause
  (template_type name: (type_identifier) @reference.inherits))

; (the engine cannot strip template arguments from a target, so a template
; base is its template name alone: detail::Tracker<T> inherits Tracker)
(base_class_clause
  (qualified_identifier name: (template_type name: (type_identifier) @reference.inherits)))

; ---------------------------------------------------------------- constructors
; A member function named like its class. The signature stops before the
; member initializer list (the "body" is what follows the declarator).

(class_specifier
  name: (type_identifier) @_class
  body: (field_declaration_list [
    (function_definition
      declarator: (function_declarator declarator: (identifier) @name)
      .
      (_) @body)
    (declaration
      declarator: (function_declarator declarator: (identifier) @name)
      ";" @body)
    (template_declaration [
      (function_definition
        declarator: (function_declarator declarator: (identifier) @name)
        .
        (_) @body)
      (declaration
        declarator: (function_declarator declarator: (identifier) @name)
        ";" @body)
    ])
  ] @definition.constructor)
  (#eq? @_class @name))

(struct_specifier
  name: (type_identifier) @_class
  body: (field_declaration_list [
    (function_definition
      declarator: (function_declarator declarator: (identifier) @name)
      .
      (_) @body)
    (declaration
      declarator: (function_declarator declarator: (identifier) @name)
      ";" @body)
    (template_declaration [
      (function_definition
        declarator: (function_declarator declarator: (identifier) @name)
        .
        (_) @body)
      (declaration
        declarator: (function_declarator declarator: (identifier) @name)
        ";" @body)
    ])
  ] @definition.constructor)
  (#eq? @_class @name))

; ... and out of line: Widget::Widget(), ns::Widget<T>::Widget().
(template_declaration
  (function_definition
    declarator: (function_declarator declarator: [
      (qualified_identifier
        scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
        name: (identifier) @_ctor)
      (qualified_identifier name: (qualified_identifier
        scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
        name: (identifier) @_ctor))
    ] @name)
    .
    (_) @body)
  (#eq? @_class @_ctor)) @definition.constructor

(function_definition
  declarator: (function_declarator declarator: [
    (qualified_identifier
      scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
      name: (identifier) @_ctor)
    (qualified_identifier name: (qualified_identifier
      scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
      name: (identifier) @_ctor))
  ] @name)
  .
  (_) @body
  (#eq? @_class @_ctor)) @definition.constructor

; ---------------------------------------------------------------- functions
; Inside a class, a function becomes a method (the engine decides). A
; qualified name (Widget::draw, ns::f) is split by the engine into scope
; and name; a predicate checks that it ends in "::" and a plain, operator
; or destructor name (error recovery after a macro makes qualified names
; without one, as in `_GLIBCXX20_CONSTEXPR\n T\n f(...)`). A plain name
; needs a return type: `MACRO(args) { ... }` (`__catch(...) {`,
; `namespace std _GLIBCXX_VISIBILITY(default) {`) is not a function.

(template_declaration
  (function_definition
    type: (_)
    declarator: [
      (function_declarator declarator: [(identifier) (field_identifier)] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (field_identifier)] @name))
      (function_declarator declarator: (template_function name: (identifier) @name))
    ]
    .
    (_) @body)
  (#not-match? @name "^_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")) @definition.function

(template_declaration
  (function_definition
    declarator: [
      (function_declarator declarator: [
        (operator_name) (destructor_name)
        (qualified_identifier) @_q
      ] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(operator_name) (qualified_identifier) @_q] @name))
      (function_declarator declarator: (qualified_identifier
        scope: (_) @scope
        name: (template_function name: (identifier) @name)))
    ]
    .
    (_) @body)
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$")) @definition.function

(function_definition
  type: (_)
  declarator: [
    (function_declarator declarator: [(identifier) (field_identifier)] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))
    (reference_declarator (function_declarator declarator: [(identifier) (field_identifier)] @name))
    (function_declarator declarator: (template_function name: (identifier) @name))
  ]
  .
  (_) @body
  ; MACRO_NAME(...) after an unparsed macro is not a function
  (#not-match? @name "^_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")) @definition.function

(function_definition
  declarator: [
    (function_declarator declarator: [
      (operator_name) (destructor_name)
      (qualified_identifier) @_q
    ] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(operator_name) (qualified_identifier) @_q] @name))
    (reference_declarator (function_declarator declarator: [(operator_name) (qualified_identifier) @_q] @name))
    (function_declarator declarator: (qualified_identifier
      scope: (_) @scope
      name: (template_function name: (identifier) @name)))
  ]
  .
  (_) @body
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$")) @definition.function

; Error recovery: a macro before the return type on its own line
; (`_GLIBCXX20_CONSTEXPR\n _Tp\n f(...)`) parses as a qualified name with a
; missing "::"; take the plain name.
(template_declaration
  (function_definition
    declarator: (function_declarator declarator: (qualified_identifier (MISSING "::") name: [(identifier) (operator_name)] @name))
    .
    (_) @body)) @definition.function

(function_definition
  declarator: (function_declarator declarator: (qualified_identifier (MISSING "::") name: [(identifier) (operator_name)] @name))
  .
  (_) @body) @definition.function

(template_declaration
  (declaration
    declarator: (function_declarator declarator: (qualified_identifier (MISSING "::") name: [(identifier) (operator_name)] @name))
    ";" @body)) @definition.function

(declaration_list
  (declaration
    declarator: (function_declarator declarator: (qualified_identifier (MISSING "::") name: [(identifier) (operator_name)] @name))
    ";" @body) @definition.function)

; Member function declarations in a class body (constructors and
; destructors, without a return type, are declarations).
(field_declaration
  declarator: [
    (function_declarator declarator: [(field_identifier) (operator_name) (destructor_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(field_identifier) (operator_name)] @name))
    (reference_declarator (function_declarator declarator: [(field_identifier) (operator_name)] @name))
  ]
  ";" @body) @definition.function

(field_declaration_list
  (declaration
    declarator: (function_declarator declarator: [(identifier) (operator_name) (destructor_name)] @name)
    ";" @body) @definition.function)

; Function declarations at namespace level, anchored on the parent: in a
; function body `std::lock_guard<std::mutex> lock(mu_);` parses as one.
(template_declaration
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (field_identifier) (operator_name) (destructor_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (field_identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body)
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$")) @definition.function

(translation_unit
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body) @definition.function
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$"))

(declaration_list
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body) @definition.function
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$"))

(preproc_ifdef
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body) @definition.function
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$"))

(preproc_if
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body) @definition.function
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$"))

(preproc_else
  (declaration
    declarator: [
      (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name)
      (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
      (reference_declarator (function_declarator declarator: [(identifier) (operator_name) (qualified_identifier) @_q] @name))
    ]
    ";" @body) @definition.function
  (#match? @_q "(?s)::\\s*(~\\s*)?([A-Za-z_][A-Za-z0-9_]*|operator.*)$"))

(linkage_specification
  body: (declaration
    declarator: [
      (function_declarator declarator: (identifier) @name)
      (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    ]
    ";" @body) @definition.function)

; A lambda bound to a name at namespace or class level is a function.
(translation_unit
  (declaration
    declarator: (init_declarator
      declarator: (identifier) @name
      value: (lambda_expression body: (compound_statement) @body))) @definition.function)

(declaration_list
  (declaration
    declarator: (init_declarator
      declarator: (identifier) @name
      value: (lambda_expression body: (compound_statement) @body))) @definition.function)

(field_declaration
  declarator: (field_identifier) @name
  default_value: (lambda_expression body: (compound_statement) @body)) @definition.function

; ---------------------------------------------------------------- fields

; static const / constexpr members are constants.
(field_declaration
  (storage_class_specifier) @_static
  (type_qualifier) @_const
  declarator: (field_identifier) @name
  (#eq? @_static "static")
  (#any-of? @_const "const" "constexpr")) @definition.constant

; A field whose type defines a named struct: the field is its declarator
; alone, so that the struct is not nested in it (the fields of an
; anonymous struct or union do nest in the field).
(field_declaration
  type: [
    (struct_specifier name: (_) body: (field_declaration_list))
    (union_specifier name: (_) body: (field_declaration_list))
    (enum_specifier name: (_) body: (enumerator_list))
  ]
  declarator: [
    (field_identifier) @name @definition.field
    (pointer_declarator declarator: (field_identifier) @name) @definition.field
    (array_declarator declarator: (field_identifier) @name) @definition.field
  ])

(field_declaration
  type: (_) @_type
  declarator: [
    (field_identifier) @name
    (pointer_declarator declarator: (field_identifier) @name)
    (pointer_declarator declarator: (pointer_declarator declarator: (field_identifier) @name))
    (reference_declarator (field_identifier) @name)
    (array_declarator declarator: (field_identifier) @name)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))
  ]
  (#not-match? @_type "^(struct|union|enum|class)[^{]*[A-Za-z0-9_>][ \t\r\n]*[{]")) @definition.field

; ---------------------------------------------------------------- variables
; Namespace-level variables; the engine drops those inside functions.

; A variable whose type defines a named class: the variable is its
; declarator alone, so that the class is not nested in it.
(declaration
  type: [
    (class_specifier name: (_) body: (field_declaration_list))
    (struct_specifier name: (_) body: (field_declaration_list))
    (union_specifier name: (_) body: (field_declaration_list))
    (enum_specifier name: (_) body: (enumerator_list))
  ]
  declarator: [
    (identifier) @name @definition.variable
    (init_declarator declarator: (identifier) @name) @definition.variable
  ])

; const / constexpr objects (not pointers to const) are constants.
(declaration
  (type_qualifier) @_const
  type: (_) @_type
  declarator: (init_declarator declarator: [
    (identifier) @name
    (array_declarator declarator: (identifier) @name)
    (qualified_identifier) @name @_q
  ])
  (#any-of? @_const "const" "constexpr")
  (#match? @_q "::\\s*[A-Za-z_][A-Za-z0-9_]*$")
  (#not-match? @_type "^(struct|union|enum|class)[^{]*[A-Za-z0-9_>][ \t\r\n]*[{]")) @definition.constant

(declaration
  type: (_) @_type
  declarator: [
    (identifier) @name
    (qualified_identifier) @name @_q
    (pointer_declarator declarator: (identifier) @name)
    (reference_declarator (identifier) @name)
    (array_declarator declarator: (identifier) @name)
    (init_declarator declarator: [
      (identifier) @name
      (qualified_identifier) @name @_q
      (pointer_declarator declarator: (identifier) @name)
      (reference_declarator (identifier) @name)
      (array_declarator declarator: (identifier) @name)
      (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (identifier) @name)))
    ])
  ]
  (#match? @_q "::\\s*[A-Za-z_][A-Za-z0-9_]*$")
  (#not-match? @_type "^(struct|union|enum|class)[^{]*[A-Za-z0-9_>][ \t\r\n]*[{]")) @definition.variable

; Error recovery (see functions): `MACRO constexpr T name = ...;`.
(declaration
  declarator: (init_declarator
    declarator: (qualified_identifier (MISSING "::") name: (identifier) @name))) @definition.variable

; ---------------------------------------------------------------- calls

(call_expression
  function: [
    (identifier)
    (field_expression)
    (qualified_identifier name: [
      (identifier)
      (qualified_identifier name: [
        (identifier)
        (qualified_identifier name: (identifier))
      ])
    ])
  ] @reference.call)

; make_unique<T>(...) calls make_unique; std::get<0>(t) calls get.
(call_expression
  function: (template_function name: (identifier) @reference.call)
  (#not-any-of? @reference.call "static_cast" "dynamic_cast" "const_cast" "reinterpret_cast"))

(call_expression
  function: (qualified_identifier
    name: (template_function name: (identifier) @reference.call)))

(call_expression
  function: (qualified_identifier
    name: (qualified_identifier
      name: (template_function name: (identifier) @reference.call))))

; (*fp)(x) calls fp.
(call_expression
  function: (parenthesized_expression [
    (identifier) @reference.call
    (pointer_expression argument: [(identifier) (field_expression)] @reference.call)
  ]))

; new Circle(...) and Circle{...} construct a Circle.
(new_expression
  type: [(type_identifier) (qualified_identifier)] @reference.call)

(new_expression
  type: (template_type name: (type_identifier) @reference.call))

(compound_literal_expression
  type: [(type_identifier) (qualified_identifier)] @reference.call)

; Widget w(1); Widget w{1}; std::lock_guard<std::mutex> g(mu); construct
; the declared type.
(declaration
  type: [(type_identifier) (qualified_identifier)] @reference.call
  declarator: (init_declarator value: [(argument_list) (initializer_list)]))

(declaration
  type: (template_type name: (type_identifier) @reference.call)
  declarator: (init_declarator value: [(argument_list) (initializer_list)]))

; ---------------------------------------------------------------- type references
; Primitive types are (primitive_type) nodes and never captured. A
; qualified name (ns::Type) is one reference; in a template type
; (std::vector<Item>) the template name and each argument are references.

((qualified_identifier
  name: [
    (type_identifier)
    (qualified_identifier name: [
      (type_identifier)
      (qualified_identifier name: (type_identifier))
    ])
  ]) @reference.type
  (#not-match? @reference.type "^(::)?std::(size_t|ptrdiff_t|nullptr_t|max_align_t|u?int(8|16|32|64)_t|u?intptr_t|u?intmax_t)$"))

((type_identifier) @reference.type
  (#not-match? @reference.type "^(wchar_t|_Bool|__int128|__int128_t|__uint128_t|u?intmax_t|u?int_(least|fast)(8|16|32|64)_t|va_list|__builtin_va_list)$"))

; ---------------------------------------------------------------- locals
; Local declarations (Widget w; auto p = new Widget;) kept on the enclosing
; callable, so that resolution can type receivers (w.draw(), p->draw()).

(compound_statement (declaration) @local)
(condition_clause (declaration) @local)
(for_range_loop) @local
