; Rust extraction query. Capture conventions: see internal/parse/parse.go.
;
; Definitions are deduplicated by their @name node and the earliest pattern
; wins, so context-specific patterns (trait members, trait-impl members, enum
; variants, closures bound to names) come before the generic ones.
;
; Docs: the engine takes the comments directly above an item, but its lookup
; stops at attributes, so items with both outer doc comments (/// or /** */)
; and attributes (#[derive(..)], #[test], ...) get a pattern that captures
; the doc comments explicitly. (A leading optional `[...]* @doc` prefix on
; every pattern would do the same but costs ~20% more query time, and inside
; a parent pattern tree-sitter mis-anchors it.)

; ---------------------------------------------------------------- members
; Members whose visibility comes from the enclosing item. No @doc: the
; engine's adjacent-comment lookup applies.

; Trait members are as visible as their trait.
(trait_item
  (visibility_modifier)? @visibility
  body: (declaration_list
    [
      (function_item name: (identifier) @name body: (block) @body) @definition.function
      (function_signature_item name: (identifier) @name) @definition.function
      (const_item name: (identifier) @name) @definition.constant
      (associated_type name: (type_identifier) @name) @definition.type_alias
    ]))

; Members of `impl Trait for T` carry no modifier but are as visible as the
; trait: public (#set! takes effect once the engine reads pattern settings).
(impl_item
  trait: (_)
  body: (declaration_list
    [
      (function_item name: (identifier) @name body: (block) @body) @definition.function
      (const_item name: (identifier) @name) @definition.constant
      (type_item name: (type_identifier) @name) @definition.type_alias
    ])
  (#set! visibility "pub"))

; Enum variants, and the fields of struct-like variants, are as visible as
; their enum.
(enum_item
  (visibility_modifier)? @visibility
  body: (enum_variant_list
    (enum_variant
      name: (identifier) @name
      body: (field_declaration_list)? @body) @definition.constant))

(enum_item
  (visibility_modifier)? @visibility
  body: (enum_variant_list
    (enum_variant
      body: (field_declaration_list
        (field_declaration name: (field_identifier) @name) @definition.field))))

; ---------------------------------------------------------------- closures
; Closures bound to a name are functions named after the binding.

(let_declaration
  pattern: (identifier) @name
  value: (closure_expression body: (_) @body)) @definition.function

[
  (static_item
    (visibility_modifier)? @visibility
    name: (identifier) @name
    value: (closure_expression body: (_) @body)) @definition.function
  (const_item
    (visibility_modifier)? @visibility
    name: (identifier) @name
    value: (closure_expression body: (_) @body)) @definition.function
]

; ---------------------------------------------------------------- macros
; #[macro_export] macros are public (#set! takes effect once the engine reads
; pattern settings).

(
  [(line_comment outer: (outer_doc_comment_marker)) (block_comment outer: (outer_doc_comment_marker))]+ @doc
  .
  (attribute_item (attribute (identifier) @_export))
  .
  (macro_definition
    name: (identifier) @name) @definition.macro
  (#eq? @_export "macro_export")
  (#set! visibility "pub")
)

(
  (attribute_item (attribute (identifier) @_export))
  .
  (macro_definition
    name: (identifier) @name) @definition.macro
  (#eq? @_export "macro_export")
  (#set! visibility "pub")
)

; ---------------------------------------------------------------- documented items
; Items with doc comments and attributes: same captures as the plain
; patterns below, plus @doc.

(
  [(line_comment outer: (outer_doc_comment_marker)) (block_comment outer: (outer_doc_comment_marker))]+ @doc
  .
  (attribute_item)+
  .
  [
    (mod_item
      name: (identifier) @name
      body: (declaration_list)? @body) @definition.module
    (struct_item
      (visibility_modifier)? @visibility
      name: (type_identifier) @name
      body: (_)? @body) @definition.struct
    (enum_item
      (visibility_modifier)? @visibility
      name: (type_identifier) @name
      body: (enum_variant_list) @body) @definition.enum
    (union_item
      (visibility_modifier)? @visibility
      name: (type_identifier) @name
      body: (field_declaration_list) @body) @definition.union
    (trait_item
      (visibility_modifier)? @visibility
      name: (type_identifier) @name
      body: (declaration_list) @body) @definition.trait
    (macro_definition
      name: (identifier) @name) @definition.macro
    (function_item
      (visibility_modifier)? @visibility
      name: (identifier) @name
      body: (block) @body) @definition.function
    (function_signature_item
      (visibility_modifier)? @visibility
      name: (identifier) @name) @definition.function
    (const_item
      (visibility_modifier)? @visibility
      name: (identifier) @name) @definition.constant
    (static_item
      (visibility_modifier)? @visibility
      name: (identifier) @name) @definition.variable
    (type_item
      (visibility_modifier)? @visibility
      name: (type_identifier) @name) @definition.type_alias
    (field_declaration
      (visibility_modifier)? @visibility
      name: (field_identifier) @name) @definition.field
  ]
)

; ---------------------------------------------------------------- items

(mod_item
  name: (identifier) @name
  body: (declaration_list)? @body) @definition.module

(struct_item
  (visibility_modifier)? @visibility
  name: (type_identifier) @name
  body: (_)? @body) @definition.struct

(enum_item
  (visibility_modifier)? @visibility
  name: (type_identifier) @name
  body: (enum_variant_list) @body) @definition.enum

(union_item
  (visibility_modifier)? @visibility
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.union

(trait_item
  (visibility_modifier)? @visibility
  name: (type_identifier) @name
  body: (declaration_list) @body) @definition.trait

(macro_definition
  name: (identifier) @name) @definition.macro

; impl blocks name a scope (the implementing type) but create no node.
(impl_item
  type: (_) @scope
  body: (declaration_list)) @definition.scope

; Functions (methods inside an impl or trait), constants, statics, type
; aliases and fields.
(function_item
  (visibility_modifier)? @visibility
  name: (identifier) @name
  body: (block) @body) @definition.function

(function_signature_item
  (visibility_modifier)? @visibility
  name: (identifier) @name) @definition.function

(const_item
  (visibility_modifier)? @visibility
  name: (identifier) @name) @definition.constant

(static_item
  (visibility_modifier)? @visibility
  name: (identifier) @name) @definition.variable

(type_item
  (visibility_modifier)? @visibility
  name: (type_identifier) @name) @definition.type_alias

(field_declaration
  (visibility_modifier)? @visibility
  name: (field_identifier) @name) @definition.field

; ---------------------------------------------------------------- imports
; `use a::b::C` imports C from a::b: @reference.import is the path, @import.name
; the last segment; lists import each item from the list's path.

(use_declaration argument: (identifier) @reference.import)

(use_declaration
  argument: (scoped_identifier
    path: (_) @reference.import
    name: (identifier) @import.name))

(use_declaration
  argument: (use_as_clause
    path: (identifier) @reference.import
    alias: (identifier) @import.alias))

(use_declaration
  argument: (use_as_clause
    path: (scoped_identifier
      path: (_) @reference.import
      name: (identifier) @import.name)
    alias: (identifier) @import.alias))

(scoped_use_list
  path: (_) @reference.import
  list: (use_list
    (use_as_clause
      path: (identifier) @import.name
      alias: (identifier) @import.alias)))

(scoped_use_list
  path: (_) @reference.import
  list: (use_list
    (use_as_clause
      path: (self)
      alias: (identifier) @import.alias)))

(use_list
  (use_as_clause
    path: (scoped_identifier
      path: (_) @reference.import
      name: (identifier) @import.name)
    alias: (identifier) @import.alias))

(use_wildcard (_) @reference.import "*" @import.alias)

(scoped_use_list
  path: (_) @reference.import
  list: (use_list [(identifier) (crate) (super)] @import.name))

(scoped_use_list
  path: (_) @reference.import
  list: (use_list (self)))

(use_list
  (scoped_identifier
    path: (_) @reference.import
    name: (identifier) @import.name))

(extern_crate_declaration
  name: (identifier) @reference.import
  alias: (identifier)? @import.alias)

; ---------------------------------------------------------------- calls

(call_expression
  function: [
    (identifier) @reference.call
    (scoped_identifier
      path: [(identifier) (scoped_identifier) (crate) (self) (super) (generic_type) (metavariable)]) @reference.call
    (generic_function function: [(identifier) (scoped_identifier)] @reference.call)
  ]
  (#not-any-of? @reference.call "Some" "Ok" "Err"))

; (self.callback)(x): the field holding the function.
(call_expression
  function: (parenthesized_expression
    [(identifier) (field_expression) (scoped_identifier)] @reference.call))

; <T as Trait>::method(): the method name.
(call_expression
  function: (scoped_identifier
    path: (bracketed_type)
    name: (identifier) @reference.call))

; Method calls: the callee as written (self.store.save, a.b().c: the engine
; collapses inner argument lists). A callee whose receiver holds a block or a
; braced macro/struct literal ({...} is not collapsed and can be long), or
; starts with a literal or a parenthesis, keeps the method name only.
(call_expression
  function: [
    (field_expression) @reference.call
    (generic_function function: (field_expression) @reference.call)
  ]
  (#not-match? @reference.call "[{]|^[\"'(]"))

(call_expression
  function: [
    (field_expression field: (field_identifier) @reference.call) @_callee
    (generic_function function: (field_expression field: (field_identifier) @reference.call) @_callee)
  ]
  (#match? @_callee "[{]|^[\"'(]"))

; Macro invocations are calls of the macro; standard-library macros are not.
(macro_invocation
  macro: [(identifier) (scoped_identifier)] @reference.call
  (#not-match? @reference.call "^(std::)?(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|cfg|column|compile_error|concat|dbg|env|eprint|eprintln|file|format|format_args|include|include_bytes|include_str|line|matches|module_path|option_env|panic|print|println|stringify|thread_local|todo|unimplemented|unreachable|vec|write|writeln)$"))

; Macro arguments are token trees, not expressions: find `name(...)` inside
; the arguments of well-known expression macros (two levels deep) and inside
; macro_rules bodies.
(macro_invocation
  macro: [(identifier) (scoped_identifier name: (identifier))] @_macro
  (token_tree
    (identifier) @reference.call
    .
    (token_tree) @_args)
  (#match? @_macro "^((std|log|tracing|anyhow)::)?(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|dbg|eprint|eprintln|format|format_args|panic|print|println|vec|write|writeln|trace|debug|info|warn|error|bail|ensure|anyhow)$")
  (#match? @_args "^[(]")
  (#not-any-of? @reference.call "Some" "Ok" "Err"))

(macro_invocation
  macro: [(identifier) (scoped_identifier name: (identifier))] @_macro
  (token_tree
    (token_tree
      (identifier) @reference.call
      .
      (token_tree) @_args))
  (#match? @_macro "^((std|log|tracing|anyhow)::)?(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|dbg|eprint|eprintln|format|format_args|panic|print|println|vec|write|writeln|trace|debug|info|warn|error|bail|ensure|anyhow)$")
  (#match? @_args "^[(]")
  (#not-any-of? @reference.call "Some" "Ok" "Err"))

(macro_rule
  right: (token_tree
    (identifier) @reference.call
    .
    (token_tree) @_args)
  (#match? @_args "^[(]")
  (#not-any-of? @reference.call "Some" "Ok" "Err"))

; ---------------------------------------------------------------- inheritance

(impl_item
  trait: [
    (type_identifier) @reference.implements
    (scoped_type_identifier) @reference.implements
    (generic_type type: [(type_identifier) (scoped_type_identifier)] @reference.implements)
  ])

; Supertraits: trait Shape: Debug + Clone.
(trait_item
  bounds: (trait_bounds
    [
      (type_identifier) @reference.inherits
      (scoped_type_identifier) @reference.inherits
      (generic_type type: [(type_identifier) (scoped_type_identifier)] @reference.inherits)
    ]))

; ---------------------------------------------------------------- types
; Named types where a type is used: signatures, fields, bindings, aliases,
; generic arguments, bounds, casts and struct literals/patterns. Listing the
; contexts (rather than every type_identifier) leaves out generic parameter
; declarations (<T>), associated-type bindings (Item = u8) and the
; implementing type of an impl block. Primitives are primitive_type nodes;
; Self and the prelude's own types and traits are skipped (Result is kept:
; crates alias it), as are <T as Trait>::Assoc paths (their parts are
; references of their own).
([
  (parameter type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (parameters [(type_identifier) (scoped_type_identifier)] @reference.type)
  (function_item return_type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (function_signature_item return_type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (function_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (closure_expression return_type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (field_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (ordered_field_declaration_list type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (let_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (const_item type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (static_item type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_item type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (const_parameter type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_parameter default_type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (generic_type type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (generic_type_with_turbofish type: (type_identifier) @reference.type)
  (type_arguments [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_binding type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (reference_type type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (pointer_type type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (array_type element: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (tuple_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (dynamic_type trait: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (abstract_type trait: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (bounded_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (trait_bounds [(type_identifier) (scoped_type_identifier)] @reference.type)
  (where_predicate left: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (higher_ranked_trait_bound type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (qualified_type [(type_identifier) (scoped_type_identifier)] @reference.type)
  (type_cast_expression type: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (struct_expression name: [(type_identifier) (scoped_type_identifier)] @reference.type)
  (struct_pattern type: [(type_identifier) (scoped_type_identifier)] @reference.type)
]
  (#not-match? @reference.type "^(<|(Self|Option|String|Vec|Box|Sized|Send|Sync|Copy|Clone|Fn|FnMut|FnOnce|Default|Drop|Iterator|IntoIterator|From|Into|AsRef|AsMut|ToString|ToOwned|PartialEq|Eq|PartialOrd|Ord)$)"))

; ---------------------------------------------------------------- locals
; let bindings of a plain name (let x = Foo::new(), let x: Foo = ...), kept
; as text on the enclosing function (Node.Locals) for resolution.
(let_declaration pattern: (identifier) type: (_)) @local
(let_declaration
  pattern: (identifier)
  !type
  value: [
    (call_expression function: (scoped_identifier))
    (try_expression (call_expression function: (scoped_identifier)))
    (struct_expression)
    (reference_expression value: (struct_expression))
  ]) @local
