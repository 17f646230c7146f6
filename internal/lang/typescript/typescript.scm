; TypeScript extraction query. Capture conventions: see
; internal/parse/parse.go. Specific patterns come before generic ones: the
; engine keeps the earliest pattern per name node. The tsx grammar uses this
; file followed by jsx.scm.

; ------------------------------------------------------- namespaces, modules

; namespace App.Models {}  (the dotted name gives the scope)
(internal_module
  name: [(identifier) (nested_identifier)] @name
  body: (statement_block) @body) @definition.namespace

; module Legacy {}  (old namespace syntax)
(module
  name: [(identifier) (nested_identifier)] @name
  body: (statement_block) @body) @definition.namespace

; declare module "express-serve-static-core" {}
(module
  name: (string (string_fragment) @name)
  body: (statement_block) @body) @definition.module

; ---------------------------------------------------------------- classes

; @Component(...) export class Foo {}: the export statement holds the
; decorators, so it is the definition (their calls belong to the class).
(export_statement
  decorator: (decorator)
  declaration: [
    (class_declaration name: (type_identifier) @name body: (class_body) @body)
    (abstract_class_declaration name: (type_identifier) @name body: (class_body) @body)
  ]) @definition.class

; export default class Foo {}: the export statement is the definition, so
; its signature says it is the module's default export.
(export_statement
  "default"
  declaration: (class_declaration
    name: (type_identifier) @name
    body: (class_body) @body)) @definition.class

(class_declaration
  name: (type_identifier) @name
  body: (class_body) @body) @definition.class

(abstract_class_declaration
  name: (type_identifier) @name
  body: (class_body) @body) @definition.class

; const Widget = class extends Base {}
(variable_declarator
  name: (identifier) @name
  value: (class body: (class_body) @body)) @definition.class

; export default class {} (named after the export)
(export_statement
  "default" @name
  value: (class body: (class_body) @body) @definition.class)

(extends_clause
  value: [(identifier) (member_expression)] @reference.inherits)

(implements_clause
  [(type_identifier) (nested_type_identifier)] @reference.implements)

(implements_clause
  (generic_type
    name: [(type_identifier) (nested_type_identifier)] @reference.implements))

; ----------------------------------------------------- interfaces, types

(interface_declaration
  name: (type_identifier) @name
  body: (interface_body) @body) @definition.interface

(extends_type_clause
  type: [(type_identifier) (nested_type_identifier)] @reference.inherits)

(extends_type_clause
  type: (generic_type
    name: [(type_identifier) (nested_type_identifier)] @reference.inherits))

(type_alias_declaration
  name: (type_identifier) @name) @definition.type_alias

(enum_declaration
  name: (identifier) @name
  body: (enum_body) @body) @definition.enum

(enum_body
  name: (property_identifier) @name @definition.constant)

(enum_body
  name: (string (string_fragment) @name) @definition.constant)

(enum_body
  (enum_assignment
    name: [(property_identifier) @name (string (string_fragment) @name)]) @definition.constant)

; Members of interfaces and of object-type aliases (type Props = {...}).
; Object types elsewhere (parameters, nested types) are not members.
(interface_body
  (property_signature
    name: [(property_identifier) (private_property_identifier)] @name) @definition.field)

(interface_body
  (method_signature
    name: [(property_identifier) (private_property_identifier)] @name) @definition.method)

(type_alias_declaration
  value: (object_type
    (property_signature
      name: [(property_identifier) (private_property_identifier)] @name) @definition.field))

(type_alias_declaration
  value: (object_type
    (method_signature
      name: [(property_identifier) (private_property_identifier)] @name) @definition.method))

; ------------------------------------------------------- methods, fields

; A comment above a decorated method is not adjacent to it (the decorators
; are its siblings in this grammar), so capture it explicitly.
(class_body
  (comment) @doc
  .
  (decorator)+
  .
  (method_definition
    (accessibility_modifier)? @visibility
    name: [(property_identifier) (private_property_identifier)] @name
    body: (statement_block) @body) @definition.function
  (#not-eq? @name "constructor"))

(method_definition
  (accessibility_modifier)? @visibility
  name: (property_identifier) @name
  body: (statement_block) @body
  (#eq? @name "constructor")) @definition.constructor

; Class methods become methods (the engine sees the enclosing class);
; object-literal methods ({ render() {} }) stay functions.
(method_definition
  (accessibility_modifier)? @visibility
  name: [(property_identifier) (private_property_identifier)] @name
  body: (statement_block) @body) @definition.function

(method_definition
  (accessibility_modifier)? @visibility
  name: (string (string_fragment) @name)
  body: (statement_block) @body) @definition.function

; Overload signatures and abstract methods; constructor(x: T); in a
; declared class.
(class_body
  (method_signature
    (accessibility_modifier)? @visibility
    name: (property_identifier) @name
    (#eq? @name "constructor")) @definition.constructor)

(class_body
  [
    (method_signature
      (accessibility_modifier)? @visibility
      name: [(property_identifier) (private_property_identifier)] @name)
    (abstract_method_signature
      (accessibility_modifier)? @visibility
      name: [(property_identifier) (private_property_identifier)] @name)
  ] @definition.method)

; static Builder = class {...}: a nested class.
(public_field_definition
  name: (property_identifier) @name
  value: (class body: (class_body) @body)) @definition.class

; handleClick = (e) => {...} as a class field is a method.
(public_field_definition
  (accessibility_modifier)? @visibility
  name: [(property_identifier) (private_property_identifier)] @name
  value: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]) @definition.function

(public_field_definition
  (accessibility_modifier)? @visibility
  name: [(property_identifier) (private_property_identifier)] @name) @definition.field

; constructor(private readonly http: HttpClient): parameter properties are
; fields of the class. (They lie inside the constructor, which the engine
; currently treats as making them locals.)
(method_definition
  name: (property_identifier) @_ctor
  parameters: (formal_parameters
    [
      (required_parameter (accessibility_modifier) @visibility pattern: (identifier) @name)
      (optional_parameter (accessibility_modifier) @visibility pattern: (identifier) @name)
      (required_parameter "readonly" pattern: (identifier) @name)
      (optional_parameter "readonly" pattern: (identifier) @name)
    ] @definition.field)
  (#eq? @_ctor "constructor"))

; ---------------------------------------------------------------- functions

; export default function f() {}: likewise the module's default export.
(export_statement
  "default"
  declaration: [
    (function_declaration name: (identifier) @name body: (statement_block) @body)
    (generator_function_declaration name: (identifier) @name body: (statement_block) @body)
  ]) @definition.function

(function_declaration
  name: (identifier) @name
  body: (statement_block) @body) @definition.function

(generator_function_declaration
  name: (identifier) @name
  body: (statement_block) @body) @definition.function

; Overload signatures and ambient declarations: declare function f(): void;
(function_signature
  name: (identifier) @name) @definition.function

; const load = async () => {...}   (at any depth: a named closure is a node)
(variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]) @definition.function

; state.callbacks.push(function cleanup() {...}), return function curried()
; {...}: a named function expression passed or returned is a function of its
; own, as JavaScript names it (elsewhere the variable or property it is
; assigned to names it).
(arguments
  (function_expression
    name: (identifier) @name
    body: (statement_block) @body) @definition.function)

(return_statement
  (function_expression
    name: (identifier) @name
    body: (statement_block) @body) @definition.function)

; export default function () {} / export default () => {}
(export_statement
  "default" @name
  value: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ] @definition.function)

; { render() {}, onClick: () => {} }
(pair
  key: [(property_identifier) @name (string (string_fragment) @name)]
  value: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]) @definition.function

; Widget.prototype.draw = function () {}: a method of Widget.
(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @scope
      property: (property_identifier) @_proto)
    property: (property_identifier) @name)
  right: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]
  (#eq? @_proto "prototype")) @definition.function

; exports.run = ..., module.exports.run = ..., this.onTick = ...: named
; after the property.
(assignment_expression
  left: (member_expression
    object: [
      (identifier) @_obj
      (this) @_obj
      (member_expression object: (identifier) property: (property_identifier) @_obj)
    ]
    property: (property_identifier) @name)
  right: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]
  (#match? @_obj "^(exports|this)$")) @definition.function

; Widget.create = function () {}: qualified name Widget.create.
(assignment_expression
  left: (member_expression
    object: (identifier) @_obj
    property: (property_identifier)) @name
  right: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]
  (#not-match? @_obj "^(exports|module)$")) @definition.function

; module.exports = function () {}: the module's export, named module.exports.
(assignment_expression
  left: (member_expression
    object: (identifier) @_obj
    property: (property_identifier) @_prop) @name
  right: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]
  (#eq? @_obj "module")
  (#eq? @_prop "exports")) @definition.function

(assignment_expression
  left: (identifier) @name
  right: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]) @definition.function

; ------------------------------------------------- module-level variables
; At the top level, in namespace bodies and in ambient declarations only:
; variables in blocks and callbacks are locals. `const x = require("m")`
; and `const x = require("m").x` are imports, not constants.

([
  (program
    [
      (lexical_declaration
        kind: "const"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.constant)
      (lexical_declaration
        kind: "let"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
      (variable_declaration
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
    ])
  (internal_module body: (statement_block
    [
      (lexical_declaration
        kind: "const"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.constant)
      (lexical_declaration
        kind: "let"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
      (variable_declaration
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
    ]))
  (module body: (statement_block
    [
      (lexical_declaration
        kind: "const"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.constant)
      (lexical_declaration
        kind: "let"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
      (variable_declaration
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
    ]))
  ; declare global { var __APP__: App; }
  (ambient_declaration (statement_block
    [
      (lexical_declaration
        kind: "const"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.constant)
      (lexical_declaration
        kind: "let"
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
      (variable_declaration
        (variable_declarator name: (identifier) @name value: (_)? @_value) @definition.variable)
    ]))
 ]
 (#not-match? @_value "^require\\s*\\([^()]*\\)(\\.[\\w$]+)?$"))

(export_statement
  declaration: [
    (lexical_declaration
      kind: "const"
      (variable_declarator name: (identifier) @name) @definition.constant)
    (lexical_declaration
      kind: "let"
      (variable_declarator name: (identifier) @name) @definition.variable)
    (variable_declaration
      (variable_declarator name: (identifier) @name) @definition.variable)
  ])

; declare const VERSION: string;
(ambient_declaration
  [
    (lexical_declaration
      kind: "const"
      (variable_declarator name: (identifier) @name) @definition.constant)
    (lexical_declaration
      kind: "let"
      (variable_declarator name: (identifier) @name) @definition.variable)
    (variable_declaration
      (variable_declarator name: (identifier) @name) @definition.variable)
  ])

; ----------------------------------------------------------------- imports

(import_statement
  (import_clause . (identifier) @import.alias)
  source: (string) @reference.import)

(import_statement
  (import_clause (namespace_import (identifier) @import.alias))
  source: (string) @reference.import)

(import_statement
  (import_clause
    (named_imports
      (import_specifier
        name: (_) @import.name
        alias: (_)? @import.alias)))
  source: (string) @reference.import)

; import fs = require("fs")
(import_statement
  (import_require_clause
    (identifier) @import.alias
    source: (string) @reference.import))

; import "./polyfill"
(import_statement
  .
  source: (string) @reference.import)

; Re-exports: export * from "m" (imported name "*"), export * as ns from "m", export { a as b } from "m".
(export_statement
  "*" @import.name
  source: (string) @reference.import)

(export_statement
  (namespace_export (_) @import.alias)
  source: (string) @reference.import)

(export_statement
  (export_clause
    (export_specifier
      name: (_) @import.name
      alias: (_)? @import.alias))
  source: (string) @reference.import)

; Dynamic import("m").
(call_expression
  function: (import)
  arguments: (arguments . (string) @reference.import))

; CommonJS: const m = require("m"); const { a, b: c } = require("m");
; const p = require("m").p; and a bare require("m") as a statement, an
; assigned value, an argument, a property value, the receiver of a call
; (require("dotenv").config()) or a called factory (require("debug")("x")).
; Each require must match one pattern only: every match makes an import
; node.
(variable_declarator
  name: (identifier) @import.alias
  value: (call_expression
    function: (identifier) @_req
    arguments: (arguments . (string) @reference.import .))
  (#eq? @_req "require"))

(variable_declarator
  name: (identifier) @import.alias
  value: (member_expression
    object: (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .))
    property: (property_identifier) @import.name)
  (#eq? @_req "require"))

(variable_declarator
  name: (object_pattern
    [
      (shorthand_property_identifier_pattern) @import.name
      (pair_pattern
        key: (property_identifier) @import.name
        value: (identifier) @import.alias)
    ])
  value: (call_expression
    function: (identifier) @_req
    arguments: (arguments . (string) @reference.import .))
  (#eq? @_req "require"))

([
  (expression_statement
    (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .)))
  (assignment_expression
    right: (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .)))
  (call_expression
    function: (member_expression
      object: (call_expression
        function: (identifier) @_req
        arguments: (arguments . (string) @reference.import .))))
  (call_expression
    function: (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .)))
  (arguments
    (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .)))
  (pair
    value: (call_expression
      function: (identifier) @_req
      arguments: (arguments . (string) @reference.import .)))
 ]
 (#eq? @_req "require"))

; ------------------------------------------------------------------- calls

(call_expression
  function: (identifier) @reference.call
  (#not-eq? @reference.call "require"))

; this.render(), api.client.get(), super.init(): the callee as written.
; fetch(url).then(...), a.b(x).c(), [a, b].join(): inner argument lists
; collapse to "()" (a.b().c), so that resolution can follow the result type
; of a.b, and a call on a literal or a parenthesised expression is never
; taken for a call of a function named like its method.
(call_expression
  function: (member_expression) @reference.call)

(call_expression
  function: (subscript_expression) @reference.call)

; super(...) in a constructor: the base class's constructor.
(call_expression
  function: (super) @reference.call)

; new Widget(), new ns.Widget<T>()
(new_expression
  constructor: [(identifier) (member_expression)] @reference.call)

; ------------------------------------------------------------------- types
; Named types anywhere (annotations, type arguments, heritage, aliases,
; assertions); the engine drops a definition's own name and keeps the
; outermost of nested references (ns.Type, not also Type). Builtin and
; standard-library types are skipped; type parameters (T) are kept, as in
; the other languages.

([(type_identifier) (nested_type_identifier)] @reference.type
  (#not-any-of? @reference.type
    "Array" "ReadonlyArray" "Promise" "PromiseLike" "Record" "Partial"
    "Required" "Readonly" "Pick" "Omit" "Exclude" "Extract" "NonNullable"
    "ReturnType" "Parameters" "ConstructorParameters" "InstanceType"
    "Awaited" "ThisType" "NoInfer" "Uppercase" "Lowercase" "Capitalize"
    "Uncapitalize" "Map" "Set" "WeakMap" "WeakSet" "WeakRef" "ReadonlyMap"
    "ReadonlySet" "Date" "RegExp" "Error" "Function" "Object" "String"
    "Number" "Boolean" "Symbol" "BigInt" "Iterable" "Iterator"
    "IterableIterator" "AsyncIterable" "AsyncIterator"
    "AsyncIterableIterator" "Generator" "AsyncGenerator" "ArrayLike"
    "PropertyKey" "PropertyDescriptor" "TemplateStringsArray" "ArrayBuffer"
    "SharedArrayBuffer" "DataView" "Int8Array" "Uint8Array"
    "Uint8ClampedArray" "Int16Array" "Uint16Array" "Int32Array"
    "Uint32Array" "Float32Array" "Float64Array" "BigInt64Array"
    "BigUint64Array" "JSON" "Math" "Intl"))

; ------------------------------------------------------------------ locals
; Local declarations whose value or annotation tells the variable's type,
; kept as text on the enclosing function (Node.Locals) for resolution:
; const x = new Foo(), let x: Foo = ....
(variable_declarator name: (identifier) !type value: [(new_expression) (call_expression) (await_expression)]) @local
(variable_declarator name: (identifier) type: (type_annotation) !value) @local
(variable_declarator
  name: (identifier)
  type: (type_annotation)
  value: [(call_expression) (await_expression) (new_expression) (identifier) (member_expression) (as_expression)]) @local

; Functions passed as arguments: their parameters are locals of the
; enclosing function, typed from the callee's signature by resolution
; (new Observable((subscriber) => ...), operate((source, subscriber) => ...)).
(arguments [(arrow_function) (function_expression)] @local.callback)

; ------------------------------------------------------- functions as values
; A function passed as an argument by name (items.map(parseItem),
; addEventListener("click", this.onClick)): a references edge, which
; resolution binds like a call, to the repository's functions only.
(arguments [(identifier) (member_expression)] @reference.value)
