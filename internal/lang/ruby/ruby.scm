; Ruby extraction query. Capture conventions: see internal/parse/parse.go.
;
; Modules are module nodes and classes class nodes; both prefix the
; qualified names of what they hold (Shop.OrderService.place), and
; class Foo::Bar is Bar in Foo. def inside a class is a method (initialize
; the constructor), def self.x a method of the class. Instance variables
; assigned in methods (@repo = ...) and attr_reader/attr_writer/
; attr_accessor names are fields of the class (without their @ or :).
; Visibility follows private/protected/public sections and private def
; (see the parse rules); the default is public.

; ---------------------------------------------------------------- modules and classes

(module
  name: [(constant) (scope_resolution)] @name
  body: (_)? @body) @definition.module

(class
  name: [(constant) (scope_resolution)] @name
  body: (_)? @body) @definition.class

; ---------------------------------------------------------------- methods

(method
  name: (identifier) @name
  (#eq? @name "initialize")
  body: (_)? @body) @definition.constructor

(method
  name: (_) @name
  body: (_)? @body) @definition.function

(singleton_method
  object: (self)
  name: (_) @name
  body: (_)? @body) @definition.method

; def obj.m: a method of one object (a test double), a function where it
; is written.
(singleton_method
  name: (_) @name
  body: (_)? @body) @definition.function

; ---------------------------------------------------------------- fields and constants

(assignment
  left: (instance_variable) @name) @definition.field

(call
  !receiver
  method: (identifier) @_attr
  arguments: (argument_list
    (simple_symbol) @name @definition.field)
  (#match? @_attr "^attr_(reader|writer|accessor)$"))

(assignment
  left: (constant) @name) @definition.constant

; ---------------------------------------------------------------- requires
; require "json" imports json; require_relative "models/order" imports
; ./models/order (the parse rules add the ./).

(call
  !receiver
  method: (identifier) @_req
  arguments: (argument_list . (string . (string_content) @reference.import .) .)
  (#match? @_req "^(require|require_relative|load)$"))

; ---------------------------------------------------------------- calls
; f(x), obj.m, Order.new, Models::Order.find, @repo.save, self.audit:
; receiver and method are captured and the callee is the text they span;
; the language's target rule turns @x into self.x and :: into dots.

(call
  !receiver
  method: (identifier) @reference.call
  (#not-match? @reference.call "^(require|require_relative|load|include|extend|prepend|attr_reader|attr_writer|attr_accessor|private|protected|public|module_function|private_constant|raise|puts|p|lambda|proc)$"))

(call
  receiver: (_) @_recv @reference.call
  method: (_) @reference.call
  (#not-match? @_recv "^[\\[({\"'%:0-9]"))

; ---------------------------------------------------------------- inheritance and mixins

(superclass
  [(constant) (scope_resolution)] @reference.inherits)

(call
  !receiver
  method: (identifier) @_mixin
  arguments: (argument_list [(constant) (scope_resolution)] @reference.implements)
  (#match? @_mixin "^(include|extend|prepend)$"))

; ---------------------------------------------------------------- locals
; x = Foo.new(...): kept on the enclosing method for resolution.
(assignment
  left: (identifier)
  right: (call)) @local
