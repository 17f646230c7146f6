; JavaScript (and JSX) extraction query. Capture conventions: see
; internal/parse/parse.go. Specific patterns come before generic ones: the
; engine keeps the earliest pattern per name node.

; ---------------------------------------------------------------- classes

; @decorator export class Foo {}: the export statement holds the
; decorators, so it is the definition (their calls belong to the class).
(export_statement
  decorator: (decorator)
  declaration: (class_declaration
    name: (identifier) @name
    body: (class_body) @body)) @definition.class

; export default class Foo {}: the export statement is the definition, so
; its signature says it is the module's default export.
(export_statement
  "default"
  declaration: (class_declaration
    name: (identifier) @name
    body: (class_body) @body)) @definition.class

(class_declaration
  name: (identifier) @name
  body: (class_body) @body) @definition.class

; const Widget = class extends Base {}
(variable_declarator
  name: (identifier) @name
  value: (class body: (class_body) @body)) @definition.class

; export default class {} (named after the export)
(export_statement
  "default" @name
  value: (class body: (class_body) @body) @definition.class)

(class_heritage [(identifier) (member_expression)] @reference.inherits)

; ------------------------------------------------------- methods, fields

(method_definition
  name: (property_identifier) @name
  body: (statement_block) @body
  (#eq? @name "constructor")) @definition.constructor

; Class methods become methods (the engine sees the enclosing class);
; object-literal methods ({ render() {} }) stay functions.
(method_definition
  name: [(property_identifier) (private_property_identifier)] @name
  body: (statement_block) @body) @definition.function

(method_definition
  name: (string (string_fragment) @name)
  body: (statement_block) @body) @definition.function

; static Builder = class {...}: a nested class.
(field_definition
  property: (property_identifier) @name
  value: (class body: (class_body) @body)) @definition.class

; handleClick = (e) => {...} as a class field is a method.
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [
    (arrow_function body: (_) @body)
    (function_expression body: (_) @body)
    (generator_function body: (_) @body)
  ]) @definition.function

(field_definition
  property: [(property_identifier) (private_property_identifier)] @name) @definition.field

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
; Only at the top level: variables in blocks and callbacks are locals.
; `const x = require("m")` and `const x = require("m").x` are imports, not
; constants.

(program
  [
    (lexical_declaration
      kind: "const"
      (variable_declarator
        name: (identifier) @name
        value: (_)? @_value) @definition.constant)
    (lexical_declaration
      kind: "let"
      (variable_declarator
        name: (identifier) @name
        value: (_)? @_value) @definition.variable)
    (variable_declaration
      (variable_declarator
        name: (identifier) @name
        value: (_)? @_value) @definition.variable)
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

; const parse = require("m").parse
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

; new Widget(), new ns.Widget()
(new_expression
  constructor: [(identifier) (member_expression)] @reference.call)

; ------------------------------------------------------------------ locals
; Local declarations whose value tells the variable's type, kept as text on
; the enclosing function (Node.Locals) for resolution: const x = new Foo(),
; const x = factory() (the factory's declared result type).
(variable_declarator name: (identifier) value: [(new_expression) (call_expression) (await_expression)]) @local

; Functions passed as arguments: their parameters are locals of the
; enclosing function, typed from the callee's signature by resolution
; (new Observable((subscriber) => ...), operate((source, subscriber) => ...)).
(arguments [(arrow_function) (function_expression)] @local.callback)

; ------------------------------------------------------- functions as values
; A function passed as an argument by name (items.map(parseItem),
; addEventListener("click", this.onClick)): a references edge, which
; resolution binds like a call, to the repository's functions only.
(arguments [(identifier) (member_expression)] @reference.value)
