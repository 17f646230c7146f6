; C extraction query. Capture conventions: see internal/parse/parse.go.

; ---------------------------------------------------------------- includes

(preproc_include
  path: [(string_literal) (system_lib_string)] @reference.import)

; ---------------------------------------------------------------- macros
; Object-like macros without a value (include guards, feature flags) are
; not definitions worth a node.

(preproc_def
  name: (identifier) @name
  value: (preproc_arg)) @definition.macro

(preproc_function_def
  name: (identifier) @name) @definition.macro

; ---------------------------------------------------------------- functions
; static functions and variables are file-private: each has a pattern with
; the static specifier before the general one (same node: the first wins).

(function_definition
  (storage_class_specifier) @visibility
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
  ]
  body: (compound_statement) @body
  (#eq? @visibility "static")
  (#not-any-of? @name "if" "else" "while" "for" "switch" "return" "sizeof")
  (#not-match? @name "^_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")) @definition.function

(function_definition
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
    ; a function returning a function pointer: int (*get(void))(int)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))))
  ]
  body: (compound_statement) @body
  ; error recovery (around #if, after unparsed macros) can make
  ; `else if (x) {...}` or `MACRO_NAME(...) {...}` look like one
  (#not-any-of? @name "if" "else" "while" "for" "switch" "return" "sizeof")
  (#not-match? @name "^_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")) @definition.function

; ---------------------------------------------------------------- types

(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.union

(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list) @body) @definition.enum

(enumerator
  name: (identifier) @name) @definition.constant

; typedef struct { ... } Point;  names the anonymous type.
(type_definition
  type: (struct_specifier !name body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.struct

(type_definition
  type: (union_specifier !name body: (field_declaration_list) @body)
  declarator: (type_identifier) @name) @definition.union

(type_definition
  type: (enum_specifier !name body: (enumerator_list) @body)
  declarator: (type_identifier) @name) @definition.enum

; typedef struct node_s { ... } node_t;  The alias is its declarator alone
; (the struct is its own node); when both names are the same it is one type.
(type_definition
  type: [
    (struct_specifier name: (type_identifier) @_tag body: (field_declaration_list))
    (union_specifier name: (type_identifier) @_tag body: (field_declaration_list))
    (enum_specifier name: (type_identifier) @_tag body: (enumerator_list))
  ]
  declarator: [
    (type_identifier) @name @definition.type_alias
    (pointer_declarator declarator: (type_identifier) @name) @definition.type_alias
  ]
  (#not-eq? @_tag @name))

(type_definition
  type: [
    (primitive_type) (type_identifier) (sized_type_specifier) (macro_type_specifier)
    (struct_specifier !body) (union_specifier !body) (enum_specifier !body)
  ]
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
    (pointer_declarator declarator: (pointer_declarator declarator: (type_identifier) @name))
    (array_declarator declarator: (type_identifier) @name)
    ; typedef int (*cmp_fn)(const void *, const void *);
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))
    ; typedef void handler_fn(int);
    (function_declarator declarator: (type_identifier) @name)
  ]) @definition.type_alias

; ---------------------------------------------------------------- fields

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
    (array_declarator declarator: (field_identifier) @name)
    (pointer_declarator declarator: (array_declarator declarator: (field_identifier) @name))
    ; int (*open)(const char *path);
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))
  ]
  (#not-match? @_type "^(struct|union|enum)[^{]*[A-Za-z0-9_][ \t\r\n]*[{]")) @definition.field

; ---------------------------------------------------------------- prototypes
; Function declarations (in headers, forward declarations). C has no
; declaration syntax that looks like a call, so they are not anchored on
; the file level; prototypes inside function bodies are rare.

(declaration
  (storage_class_specifier) @visibility
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
  ]
  ";" @body
  (#eq? @visibility "static")) @definition.function

(declaration
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))))
  ]
  ";" @body) @definition.function

; ---------------------------------------------------------------- variables
; File-level variables; the engine drops those inside functions.

; A variable whose type defines a named struct: the variable is its
; declarator alone, so that the struct is not nested in it. (The fields of
; an anonymous struct do nest in the variable.)
(declaration
  type: [
    (struct_specifier name: (_) body: (field_declaration_list))
    (union_specifier name: (_) body: (field_declaration_list))
    (enum_specifier name: (_) body: (enumerator_list))
  ]
  declarator: [
    (identifier) @name @definition.variable
    (pointer_declarator declarator: (identifier) @name) @definition.variable
    (array_declarator declarator: (identifier) @name) @definition.variable
    (init_declarator declarator: [
      (identifier) @name
      (pointer_declarator declarator: (identifier) @name)
      (array_declarator declarator: (identifier) @name)
    ]) @definition.variable
  ])

; const-qualified objects (not pointers to const) are constants.
(declaration
  (storage_class_specifier) @visibility
  (type_qualifier) @_const
  declarator: (init_declarator declarator: [
    (identifier) @name
    (array_declarator declarator: (identifier) @name)
  ])
  (#eq? @visibility "static")
  (#eq? @_const "const")) @definition.constant

(declaration
  (type_qualifier) @_const
  declarator: (init_declarator declarator: [
    (identifier) @name
    (array_declarator declarator: (identifier) @name)
  ])
  (#eq? @_const "const")) @definition.constant

; const pointers: static const char *const names[] = {...};
(declaration
  (storage_class_specifier) @visibility
  declarator: (init_declarator declarator: (pointer_declarator
    (type_qualifier) @_const
    declarator: [
      (identifier) @name
      (array_declarator declarator: (identifier) @name)
    ]))
  (#eq? @visibility "static")
  (#eq? @_const "const")) @definition.constant

(declaration
  declarator: (init_declarator declarator: (pointer_declarator
    (type_qualifier) @_const
    declarator: [
      (identifier) @name
      (array_declarator declarator: (identifier) @name)
    ]))
  (#eq? @_const "const")) @definition.constant

(declaration
  (storage_class_specifier) @visibility
  type: (_) @_type
  declarator: [
    (identifier) @name
    (pointer_declarator declarator: (identifier) @name)
    (array_declarator declarator: (identifier) @name)
    (init_declarator declarator: [
      (identifier) @name
      (pointer_declarator declarator: (identifier) @name)
      (array_declarator declarator: (identifier) @name)
    ])
  ]
  (#eq? @visibility "static")
  (#not-match? @_type "^(struct|union|enum)[^{]*[A-Za-z0-9_][ \t\r\n]*[{]")) @definition.variable

(declaration
  type: (_) @_type
  declarator: [
    (identifier) @name
    (pointer_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (pointer_declarator declarator: (identifier) @name))
    (array_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (array_declarator declarator: (identifier) @name))
    ; int (*handler)(int);
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (identifier) @name)))
    (init_declarator declarator: [
      (identifier) @name
      (pointer_declarator declarator: (identifier) @name)
      (pointer_declarator declarator: (pointer_declarator declarator: (identifier) @name))
      (array_declarator declarator: (identifier) @name)
      (pointer_declarator declarator: (array_declarator declarator: (identifier) @name))
      (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (identifier) @name)))
    ])
  ]
  (#not-match? @_type "^(struct|union|enum)[^{]*[A-Za-z0-9_][ \t\r\n]*[{]")) @definition.variable

; ---------------------------------------------------------------- calls

(call_expression
  function: [(identifier) (field_expression)] @reference.call)

; (*fp)(x) calls fp.
(call_expression
  function: (parenthesized_expression [
    (identifier) @reference.call
    (field_expression) @reference.call
    (pointer_expression argument: [(identifier) (field_expression)] @reference.call)
  ]))

; ---------------------------------------------------------------- type references
; Primitive types are (primitive_type) nodes and never captured; the
; predicate skips the builtin types the grammar sees as names.

((type_identifier) @reference.type
  (#not-match? @reference.type "^(wchar_t|_Bool|_Complex|__int128|__int128_t|__uint128_t|u?intmax_t|u?int_(least|fast)(8|16|32|64)_t|va_list|__builtin_va_list|__gnuc_va_list)$"))
