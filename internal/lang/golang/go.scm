; Go extraction query. Capture conventions: see internal/parse/parse.go.

(package_clause (package_identifier) @name) @definition.package

(function_declaration
  name: (identifier) @name
  body: (block)? @body) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @scope
        (pointer_type (type_identifier) @scope)
        (generic_type type: (type_identifier) @scope)
        (pointer_type (generic_type type: (type_identifier) @scope))
      ]))
  name: (field_identifier) @name
  body: (block)? @body) @definition.method

(type_spec
  name: (type_identifier) @name
  type: (struct_type (field_declaration_list) @body)) @definition.struct

(type_spec
  name: (type_identifier) @name
  type: (interface_type "{" @body)) @definition.interface

(type_spec
  name: (type_identifier) @name) @definition.type_alias

(type_alias
  name: (type_identifier) @name) @definition.type_alias

(field_declaration
  name: (field_identifier) @name) @definition.field

(method_elem
  name: (field_identifier) @name) @definition.method

; Embedded struct fields and embedded interfaces.
(field_declaration
  !name
  type: [
    (type_identifier) @reference.inherits
    (qualified_type) @reference.inherits
    (pointer_type [(type_identifier) (qualified_type)] @reference.inherits)
    (generic_type type: [(type_identifier) (qualified_type)] @reference.inherits)
  ])

(interface_type
  (type_elem . [(type_identifier) (qualified_type)] @reference.inherits .))

; Package-level variables and constants: @toplevel keeps those whose
; declaration is a child of source_file (a pattern rooted at source_file,
; (source_file (var_declaration ...)), stays in progress over the whole
; tree and cost the query cursor ~2% of a file's extraction each).
((var_declaration (var_spec name: (identifier) @name) @definition.variable) @toplevel)
((var_declaration (var_spec_list (var_spec name: (identifier) @name) @definition.variable)) @toplevel)
((const_declaration (const_spec name: (identifier) @name) @definition.constant) @toplevel)

(import_spec
  name: [(package_identifier) (dot) (blank_identifier)]? @import.alias
  path: [(interpreted_string_literal) (raw_string_literal)] @reference.import)

(call_expression
  function: [
    (identifier)
    (selector_expression)
    (parenthesized_expression)
    (index_expression)
    (generic_type)
    (type_instantiation_expression)
  ] @reference.call)

; A generic call with explicit type arguments reads as a conversion to a
; generic type (orZero[Params](p)); resolution binds it like a call, and a
; real conversion (List[int](x)) names no function and stays unbound.
(type_conversion_expression type: (generic_type) @reference.call)

([(type_identifier) (qualified_type)] @reference.type
  (#not-match? @reference.type "^(any|bool|byte|comparable|complex64|complex128|error|float32|float64|int|int8|int16|int32|int64|rune|string|uint|uint8|uint16|uint32|uint64|uintptr)$"))

; Local declarations, kept on the enclosing function for type inference
; during resolution (x := NewT(), var y T, z := &T{}). @local.parent is
; the declaration's parent, which internal/parse/golang.go then need not
; look up.
(statement_list (short_var_declaration) @local) @local.parent
(statement_list (var_declaration) @local) @local.parent
(if_statement initializer: (short_var_declaration) @local) @local.parent
(for_clause initializer: (short_var_declaration) @local) @local.parent
(type_switch_statement initializer: (short_var_declaration) @local) @local.parent
(expression_switch_statement initializer: (short_var_declaration) @local) @local.parent
; Scoped locals (internal/parse/golang.go): function-literal parameters,
; range variables, type-switch clause variables, select receives.
(func_literal parameters: (parameter_list) @local) @local.parent
(for_statement (range_clause) @local) @local.parent
(type_switch_statement) @local
(communication_case communication: (receive_statement) @local) @local.parent

; Functions used as values (http.HandlerFunc(mx.routeHTTP), callbacks,
; handlers in struct and map literals, method values assigned): references
; that resolution binds like calls. Parameters and locals are dropped in
; internal/parse/golang.go.
(argument_list [(identifier) (selector_expression)] @reference.value)
(keyed_element value: (literal_element [(identifier) (selector_expression)] @reference.value))
(literal_value (literal_element [(identifier) (selector_expression)] @reference.value))
(assignment_statement right: (expression_list . [(identifier) (selector_expression)] @reference.value .))
(short_var_declaration right: (expression_list . [(identifier) (selector_expression)] @reference.value .))
