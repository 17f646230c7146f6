// Package zoo has generic functions whose type parameters are constrained
// by interfaces with methods, instantiated with some of its types.
package zoo

// Named is a constraint with a method.
type Named interface {
	Name() string
}

// Dog and Cat instantiate Greet; Fish satisfies Named but never does.
type Dog struct{}

func (d *Dog) Name() string { return "dog" }
func (d *Dog) Bark()        {}

type Cat struct{}

func (c *Cat) Name() string { return "cat" }

type Fish struct{}

func (f *Fish) Name() string { return "fish" }

// Greet calls through its type parameter.
func Greet[N Named](n N) string {
	return n.Name()
}

// onlyDog is a type set of one type: its methods are that type's.
type onlyDog interface{ *Dog }

// Walk's parameter can only be a *Dog.
func Walk[D onlyDog](d D) {
	d.Bark()
}

// Rename is only ever instantiated with a type argument whose type cannot
// be told: nothing concrete binds.
func Rename[N Named](n N) string {
	return n.Name()
}

func Use(x any) {
	d := &Dog{}
	Greet(d)
	Walk(d)
	Rename(x.(interface{ Name() string }))
}
