; Java extraction query. Capture conventions: see internal/parse/parse.go.
;
; Visibility is the access keyword inside (modifiers) (annotation text is
; ignored); without one the engine's Java default (package-private) applies.
; Members that are implicitly public (interface members, enum constants,
; record components) say so with #set! visibility, which takes effect once the
; engine reads pattern settings. Definitions are deduplicated by their @name
; node and the earliest pattern wins, so context-specific patterns come first.

; ---------------------------------------------------------------- packages

(package_declaration [(identifier) (scoped_identifier)] @name) @definition.package

; module-info.java
(module_declaration
  name: [(identifier) (scoped_identifier)] @name
  body: (module_body) @body) @definition.module

(requires_module_directive
  module: [(identifier) (scoped_identifier)] @reference.import)

; ---------------------------------------------------------------- types

; Types declared in an interface are implicitly public.
(interface_body
  [
    (class_declaration
      (modifiers ["public" "protected" "private"] @visibility)?
      name: (identifier) @name
      body: (class_body) @body) @definition.class
    (interface_declaration
      (modifiers ["public" "protected" "private"] @visibility)?
      name: (identifier) @name
      body: (interface_body) @body) @definition.interface
    (enum_declaration
      (modifiers ["public" "protected" "private"] @visibility)?
      name: (identifier) @name
      body: (enum_body) @body) @definition.enum
    (record_declaration
      (modifiers ["public" "protected" "private"] @visibility)?
      name: (identifier) @name
      body: (class_body) @body) @definition.class
  ]
  (#set! visibility "public"))

(class_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (class_body) @body) @definition.class

(interface_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (interface_body) @body) @definition.interface

(annotation_type_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (annotation_type_body) @body) @definition.interface

(enum_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (enum_body) @body) @definition.enum

(record_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (class_body) @body) @definition.class

; ---------------------------------------------------------------- members

; Interface methods and constants, annotation elements, enum constants and
; record components are implicitly public.
(interface_body
  (method_declaration
    (modifiers ["public" "protected" "private"] @visibility)?
    name: (identifier) @name
    [(block) ";"] @body) @definition.method
  (#set! visibility "public"))

(interface_body
  (constant_declaration
    declarator: (variable_declarator
      name: (identifier) @name
      value: (lambda_expression body: (_) @body))) @definition.function
  (#set! visibility "public"))

(interface_body
  (constant_declaration
    declarator: (variable_declarator name: (identifier) @name)
    ";" @body) @definition.constant
  (#set! visibility "public"))

(annotation_type_body
  [
    (annotation_type_element_declaration
      name: (identifier) @name
      ";" @body) @definition.method
    (constant_declaration
      declarator: (variable_declarator name: (identifier) @name)
      ";" @body) @definition.constant
  ]
  (#set! visibility "public"))

(enum_constant
  name: (identifier) @name
  body: (class_body)? @body
  (#set! visibility "public")) @definition.constant

(record_declaration
  parameters: (formal_parameters
    (formal_parameter
      name: (identifier) @name) @definition.field)
  (#set! visibility "public"))

(method_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  [(block) ";"] @body) @definition.method

(constructor_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (constructor_body) @body) @definition.constructor

(compact_constructor_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  name: (identifier) @name
  body: (block) @body) @definition.constructor

; Fields of anonymous classes (new Runnable() { int count; ... }) belong to
; the method that creates the object: captured as variables, they are
; dropped as locals (a field would be hoisted to the enclosing class).
(object_creation_expression
  (class_body
    (field_declaration
      declarator: (variable_declarator name: (identifier) @name)) @definition.variable))

; Lambdas assigned to a field or local variable are functions named after it
; (methods when they are fields).
(field_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  declarator: (variable_declarator
    name: (identifier) @name
    value: (lambda_expression body: (_) @body))) @definition.function

(local_variable_declaration
  declarator: (variable_declarator
    name: (identifier) @name
    value: (lambda_expression body: (_) @body))) @definition.function

; static final fields are constants.
(field_declaration
  (modifiers ["public" "protected" "private"]? @visibility "static" "final")
  declarator: (variable_declarator name: (identifier) @name)
  ";" @body) @definition.constant

(field_declaration
  (modifiers ["public" "protected" "private"]? @visibility "final" "static")
  declarator: (variable_declarator name: (identifier) @name)
  ";" @body) @definition.constant

(field_declaration
  (modifiers ["public" "protected" "private"] @visibility)?
  declarator: (variable_declarator name: (identifier) @name)
  ";" @body) @definition.field

; ---------------------------------------------------------------- imports
; import a.b.C imports C from a.b; import a.b.* imports a.b as "*";
; import static a.B.m imports m from a.B.

(import_declaration
  (scoped_identifier
    scope: (_) @reference.import
    name: (identifier) @import.name)
  .)

(import_declaration
  [(identifier) (scoped_identifier)] @reference.import
  .
  (asterisk) @import.alias)

(import_declaration
  (identifier) @reference.import
  .)

; ---------------------------------------------------------------- calls

; foo()
(method_invocation
  !object
  name: (identifier) @reference.call)

; Method calls: the receiver and the name are both captured and the callee
; is the text they span, as written (obj.save, this.render, super.init,
; System.out.println, a.b().c: the engine collapses inner argument lists).
; Receivers that start with `new`, a parenthesis or a literal keep the method
; name only.
(method_invocation
  object: (_) @_recv @reference.call
  name: (identifier) @reference.call
  (#not-match? @_recv "^(new\\s|[(\"'])"))

(method_invocation
  object: (_) @_recv
  name: (identifier) @reference.call
  (#match? @_recv "^(new\\s|[(\"'])"))

; new Foo(...), new Outer.Inner<>(...)
(object_creation_expression
  type: [
    (type_identifier) @reference.call
    (scoped_type_identifier) @reference.call
    (generic_type . [(type_identifier) (scoped_type_identifier)] @reference.call)
  ])

; this(...) and super(...) in constructors.
(explicit_constructor_invocation
  constructor: [(this) (super)] @reference.call)

; Method references: String::valueOf, this::handle, Foo::new, int[]::clone;
; only the method name when the receiver is an expression
; (new HashSet<>()::add).
((method_reference) @reference.call
  (#match? @reference.call "^[\\w$.:\\[\\]\\s]+$"))

((method_reference
  (identifier) @reference.call .) @_ref
  (#not-match? @_ref "^[\\w$.:\\[\\]\\s]+$"))

; ---------------------------------------------------------------- inheritance

(superclass
  [
    (type_identifier) @reference.inherits
    (scoped_type_identifier) @reference.inherits
    (generic_type . [(type_identifier) (scoped_type_identifier)] @reference.inherits)
  ])

(super_interfaces
  (type_list
    [
      (type_identifier) @reference.implements
      (scoped_type_identifier) @reference.implements
      (generic_type . [(type_identifier) (scoped_type_identifier)] @reference.implements)
    ]))

(extends_interfaces
  (type_list
    [
      (type_identifier) @reference.inherits
      (scoped_type_identifier) @reference.inherits
      (generic_type . [(type_identifier) (scoped_type_identifier)] @reference.inherits)
    ]))

; ---------------------------------------------------------------- types
; Named types where a type is used (declarations of generic parameters, <T>,
; are left out). Primitives are their own node types; var and the core
; java.lang value types are skipped.
([
  (field_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (constant_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (local_variable_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (formal_parameter type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (spread_parameter [(type_identifier) (scoped_type_identifier)] @reference.type)
  (receiver_parameter [(type_identifier) (scoped_type_identifier)] @reference.type)
  (method_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (annotation_type_element_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (generic_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_arguments [(type_identifier) (scoped_type_identifier)] @reference.type)
  (wildcard [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_bound [(type_identifier) (scoped_type_identifier)] @reference.type)
  (array_type element: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (annotated_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (superclass [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_list [(type_identifier) (scoped_type_identifier)] @reference.type)
  (throws [(type_identifier) (scoped_type_identifier)] @reference.type)
  (catch_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (cast_expression type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (instanceof_expression right: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_pattern [(type_identifier) (scoped_type_identifier)] @reference.type)
  (record_pattern . (identifier) @reference.type)
  (record_pattern_component [(type_identifier) (scoped_type_identifier)] @reference.type)
  (object_creation_expression type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (array_creation_expression type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (class_literal [(type_identifier) (scoped_type_identifier)] @reference.type)
  (enhanced_for_statement type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (resource type: [(type_identifier) (scoped_type_identifier)] @reference.type)
]
  (#not-match? @reference.type "^(var|String|Object|Integer|Long|Short|Byte|Character|Boolean|Double|Float|Void|Number|Class)$"))

; Annotations are references to the annotation type (java.lang's own are
; skipped).
([
  (marker_annotation name: [(identifier) (scoped_identifier)] @reference.type)
  (annotation name: [(identifier) (scoped_identifier)] @reference.type)
]
  (#not-match? @reference.type "^(Override|Deprecated|SuppressWarnings|FunctionalInterface|SafeVarargs)$"))

; ---------------------------------------------------------------- locals
; Local variable declarations of a class type (Foo x = ..., var x = new
; Foo()), kept as text on the enclosing method (Node.Locals) for
; resolution; primitives and arrays are left out.
(local_variable_declaration
  type: [(type_identifier) (scoped_type_identifier) (generic_type)]) @local
