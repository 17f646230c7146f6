; JSX patterns, appended to the JavaScript and TSX queries (see lang.go).

; <Button />, <Layout.Header>: rendering a component calls it.
(jsx_opening_element
  name: [(identifier) (member_expression)] @reference.call
  (#match? @reference.call "^[A-Z]"))

(jsx_self_closing_element
  name: [(identifier) (member_expression)] @reference.call
  (#match? @reference.call "^[A-Z]"))
