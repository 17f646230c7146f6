; PHP extraction query. Capture conventions: see internal/parse/parse.go.
;
; Namespaces are nodes and prefix the qualified names of what they hold,
; with dots (App\Services\OrderService is App.Services.OrderService); a
; namespace without braces holds the rest of its file. Traits are traits,
; enum cases constants, properties (and promoted constructor parameters)
; fields, without their $. Visibility is the declared modifier; without
; one, public.

; ---------------------------------------------------------------- namespaces

(namespace_definition
  name: (namespace_name) @name
  body: (compound_statement)? @body) @definition.namespace

; ---------------------------------------------------------------- types

(class_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.class

(interface_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.interface

(trait_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.trait

(enum_declaration
  name: (name) @name
  body: (enum_declaration_list) @body) @definition.enum

(enum_case
  name: (name) @name) @definition.constant

; ---------------------------------------------------------------- members

(method_declaration
  (visibility_modifier)? @visibility
  name: (name) @name
  (#eq? @name "__construct")
  body: (compound_statement)? @body) @definition.constructor

(method_declaration
  (visibility_modifier)? @visibility
  name: (name) @name
  body: (compound_statement)? @body) @definition.method

(function_definition
  name: (name) @name
  body: (compound_statement) @body) @definition.function

(property_declaration
  (visibility_modifier)? @visibility
  (property_element
    name: (variable_name (name) @name))) @definition.field

(property_promotion_parameter
  visibility: (visibility_modifier)? @visibility
  name: (variable_name (name) @name)) @definition.field

(const_declaration
  (visibility_modifier)? @visibility
  (const_element (name) @name)) @definition.constant

; ---------------------------------------------------------------- imports
; use A\B\C; imports C from A\B (as C, or its alias); use A\{B, C as D};
; imports B and C from A; use function and use const alike.

(namespace_use_declaration
  (namespace_use_clause
    (qualified_name
      prefix: (namespace_name) @reference.import
      (name) @import.name)
    alias: (name)? @import.alias))

(namespace_use_declaration
  (namespace_use_clause
    .
    (name) @reference.import
    alias: (name)? @import.alias))

(namespace_use_declaration
  (namespace_name) @reference.import
  body: (namespace_use_group
    (namespace_use_clause
      .
      [(name) (qualified_name)] @import.name
      alias: (name)? @import.alias)))

; ---------------------------------------------------------------- calls
; f(), \strlen(), $this->repo->save(), $x?->m(), self::audit(),
; parent::__construct(), Order::find(), new Order(): the callee as
; written; the language's target rule makes it dotted (this.repo.save,
; self.audit, super.__construct, Order.find).

(function_call_expression
  function: [(name) (qualified_name)] @reference.call)

(member_call_expression
  object: (_) @_obj @reference.call
  name: (name) @reference.call
  (#match? @_obj "^\\$"))

(member_call_expression
  object: (_) @_obj
  name: (name) @reference.call
  (#not-match? @_obj "^\\$"))

(nullsafe_member_call_expression
  object: (_) @_obj @reference.call
  name: (name) @reference.call
  (#match? @_obj "^\\$"))

(scoped_call_expression
  scope: [(name) (qualified_name) (relative_scope)] @reference.call
  name: (name) @reference.call)

(object_creation_expression
  [(name) (qualified_name)] @reference.call)

; ---------------------------------------------------------------- inheritance

(base_clause
  [(name) (qualified_name)] @reference.inherits)

(class_interface_clause
  [(name) (qualified_name)] @reference.implements)

(declaration_list
  (use_declaration
    [(name) (qualified_name)] @reference.implements))

; ---------------------------------------------------------------- types

(named_type
  [(name) (qualified_name)] @reference.type)

; ---------------------------------------------------------------- locals
; $x = new Foo(...), $x = Foo::make(...), $x = $this->f(): kept on the
; enclosing function for resolution.
(expression_statement
  (assignment_expression
    left: (variable_name)
    right: [(object_creation_expression) (member_call_expression) (scoped_call_expression) (function_call_expression)]) @local)
