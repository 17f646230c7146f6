; Kotlin extraction query. Capture conventions: see internal/parse/parse.go.
;
; The package header holds the rest of its file (an open scope, see
; kotlin.go) and prefixes qualified names (com.shop.orders.OrderService.place).
; Visibility is the modifier text (public, private, protected, internal);
; without one a declaration is public (Kotlin's default, see kotlin.go).
; Objects are classes; a companion object is no node of its own: its
; members are members of the enclosing class, as they are called
; (OrderService.create()). Properties are fields (variables at the top
; level), const vals and enum entries constants, primary-constructor
; val/var parameters fields. Definitions are deduplicated by their @name
; node and the earliest pattern wins, so context-specific patterns come
; first.

; ---------------------------------------------------------------- packages

(package_header
  [(qualified_identifier) (identifier)] @name) @definition.package

; ---------------------------------------------------------------- types

(class_declaration
  (modifiers)? @visibility
  "interface"
  name: (identifier) @name
  (class_body)? @body) @definition.interface

(class_declaration
  (modifiers)? @visibility
  name: (identifier) @name
  (enum_class_body) @body) @definition.enum

(class_declaration
  (modifiers)? @visibility
  name: (identifier) @name) @definition.class

(object_declaration
  (modifiers)? @visibility
  name: (identifier) @name) @definition.class

(type_alias
  (modifiers)? @visibility
  type: (identifier) @name) @definition.type_alias

; ---------------------------------------------------------------- members

(class_body
  (function_declaration
    (modifiers)? @visibility
    name: (identifier) @name
    (function_body)? @body) @definition.method)

(enum_class_body
  (function_declaration
    (modifiers)? @visibility
    name: (identifier) @name
    (function_body)? @body) @definition.method)

(function_declaration
  (modifiers)? @visibility
  name: (identifier) @name
  (function_body)? @body) @definition.function

(secondary_constructor
  (modifiers)? @visibility
  "constructor" @name
  (block)? @body) @definition.constructor

; const val X = ...
(property_declaration
  (modifiers (property_modifier) @_const) @visibility
  (variable_declaration (identifier) @name)
  (#eq? @_const "const")) @definition.constant

(source_file
  (property_declaration
    (modifiers)? @visibility
    (variable_declaration (identifier) @name)) @definition.variable)

(class_body
  (property_declaration
    (modifiers)? @visibility
    (variable_declaration (identifier) @name)) @definition.field)

(enum_class_body
  (property_declaration
    (modifiers)? @visibility
    (variable_declaration (identifier) @name)) @definition.field)

; class Order(val id: Int, private val repo: Repo)
(class_parameter
  (modifiers)? @visibility
  ["val" "var"]
  (identifier) @name) @definition.field

(enum_entry
  (identifier) @name
  (#set! visibility "public")) @definition.constant

; ---------------------------------------------------------------- imports
; import a.b.C (named C), import a.b.C as D (named D), import a.b.* (named
; "*": the whole package).

(import
  .
  [(qualified_identifier) (identifier)] @reference.import
  "*"? @reference.import
  (identifier)? @import.alias)

; ---------------------------------------------------------------- calls

; f(), Order(1), repo.save(o), this.notify(), super.close(), a?.b(),
; a.b().c(): the callee as written (the engine collapses inner argument
; lists).
(call_expression
  [(identifier) (navigation_expression)] @reference.call)

; : this(...) / : super(...) in a secondary constructor
(constructor_delegation_call
  ["this" "super"] @reference.call)

; ---------------------------------------------------------------- inheritance
; A supertype invoked with arguments (Base(name)) is the superclass; one
; written bare is an interface, or a base interface of an interface.

(delegation_specifier
  (constructor_invocation
    (user_type) @reference.inherits))

(class_declaration
  "interface"
  (delegation_specifiers
    (delegation_specifier
      (user_type) @reference.inherits)))

(class_declaration
  "class"
  (delegation_specifiers
    (delegation_specifier
      [(user_type) (explicit_delegation (user_type))] @reference.implements)))

(object_declaration
  (delegation_specifiers
    (delegation_specifier
      [(user_type) (explicit_delegation (user_type))] @reference.implements)))

; ---------------------------------------------------------------- types

(parameter [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(class_parameter [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(variable_declaration [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(function_declaration [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(type_projection [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(type_alias [(user_type) @reference.type (nullable_type (user_type) @reference.type)])
(as_expression [(user_type) @reference.type (nullable_type (user_type) @reference.type)])

; ---------------------------------------------------------------- locals
; Local declarations (val o: Order = ..., val o = Order(...)), kept on the
; enclosing function for resolution.
(property_declaration) @local
