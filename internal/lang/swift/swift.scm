; Swift extraction query. Capture conventions: see internal/parse/parse.go.
;
; Swift source names no module: qualified names start at the outermost
; type (OrderService.place); the module a file belongs to (its target in
; Package.swift) is a fact of resolution. Classes and actors are classes,
; structs structs, enums enums, protocols interfaces; an extension names a
; scope (the extended type) but creates no node, so its members are
; qualified by the type (Point.description), as Rust's impl blocks.
; Visibility is the modifier text (public, open, internal, fileprivate,
; private); without one a declaration is internal (Swift's default, see
; swift.go). Stored and computed properties are fields (variables at the
; top level), enum cases constants. Definitions are deduplicated by their
; @name node and the earliest pattern wins, so context-specific patterns
; come first.

; ---------------------------------------------------------------- types
; Patterns here name one child besides the definition's name: the Swift
; grammar is large, and a pattern over several children of a declaration
; takes seconds to compile. The modifiers (visibility) and the body
; (where the signature ends) are read from the syntax tree instead
; (swiftAccess and swiftBody in internal/parse/rules.go).

(class_declaration
  declaration_kind: "struct"
  name: (type_identifier) @name) @definition.struct

(class_declaration
  declaration_kind: "enum"
  name: (type_identifier) @name) @definition.enum

(class_declaration
  declaration_kind: ["class" "actor"]
  name: (type_identifier) @name) @definition.class

(class_declaration
  declaration_kind: "extension"
  name: (_) @scope) @definition.scope

(protocol_declaration
  name: (type_identifier) @name) @definition.interface

(typealias_declaration
  name: (type_identifier) @name) @definition.type_alias

; ---------------------------------------------------------------- members

(protocol_function_declaration
  name: (simple_identifier) @name) @definition.method

(protocol_property_declaration
  name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field

(class_body
  (function_declaration
    name: (simple_identifier) @name) @definition.method)

(enum_class_body
  (function_declaration
    name: (simple_identifier) @name) @definition.method)

(function_declaration
  name: (simple_identifier) @name) @definition.function

(init_declaration
  "init" @name) @definition.constructor

(deinit_declaration
  "deinit" @name) @definition.method

(subscript_declaration
  "subscript" @name) @definition.method

(source_file
  (property_declaration
    name: (pattern bound_identifier: (simple_identifier) @name)) @definition.variable)

(class_body
  (property_declaration
    name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)

(enum_class_body
  (property_declaration
    name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)

(enum_entry
  name: (simple_identifier) @name
  (#set! visibility "public")) @definition.constant

; ---------------------------------------------------------------- imports
; import Foundation, @testable import Alamofire, import struct A.B: the
; module (named "*": everything it declares).

(import_declaration
  (identifier) @reference.import)

; ---------------------------------------------------------------- calls

; f(), Order(id: 1), repo.save(o), self.notify(), super.init(), a?.b(),
; a.b().c(): the callee as written (the engine collapses inner argument
; lists).
(call_expression
  [(simple_identifier) (navigation_expression)] @reference.call)

; ---------------------------------------------------------------- inheritance
; A class's first supertype is its superclass unless its name reads as a
; protocol's (…able, …ible, …Protocol, …Delegate, …DataSource, …Type);
; the others, and those of structs, enums and extensions, are protocols.
; A protocol's supertypes are protocols it inherits.

(class_declaration
  declaration_kind: ["class" "actor"]
  name: (_)
  .
  (type_parameters)?
  .
  (inheritance_specifier
    inherits_from: (user_type) @reference.inherits
    (#not-match? @reference.inherits "(able|ible|Protocol|Delegate|DataSource|Type)$")))

(class_declaration
  declaration_kind: ["class" "actor"]
  name: (_)
  .
  (type_parameters)?
  .
  (inheritance_specifier
    inherits_from: (user_type) @reference.implements
    (#match? @reference.implements "(able|ible|Protocol|Delegate|DataSource|Type)$")))

(class_declaration
  declaration_kind: ["struct" "enum" "extension"]
  name: (_)
  .
  (type_parameters)?
  .
  (inheritance_specifier
    inherits_from: (user_type) @reference.implements))

(class_declaration
  (inheritance_specifier)
  .
  (inheritance_specifier
    inherits_from: (user_type) @reference.implements))

(protocol_declaration
  (inheritance_specifier
    inherits_from: (user_type) @reference.inherits))

; ---------------------------------------------------------------- types

(type_annotation
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])
(parameter
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])
(function_declaration
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])
(type_arguments
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])
(typealias_declaration
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])
(as_expression
  [(user_type) @reference.type (optional_type (user_type) @reference.type)])

; ---------------------------------------------------------------- locals
; Local declarations (let o: Order = ..., let o = Order(...)), kept on the
; enclosing function for resolution.
(statements
  (property_declaration) @local)
