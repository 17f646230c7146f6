// Package shape declares shapes behind an interface.
package shape

import "fmt"

// Shape is anything with an area.
type Shape interface {
	Area() float64
}

// Square is a square.
type Square struct{ Side float64 }

// Area of the square.
func (s Square) Area() float64 { return s.Side * s.Side }

// Circle is a circle.
type Circle struct{ R float64 }

// Area of the circle.
func (c *Circle) Area() float64 { return 3 * c.R * c.R }

// String names the circle.
func (c *Circle) String() string { return fmt.Sprintf("circle %v", c.R) }

// Total sums the areas: a dynamic call.
func Total(shapes []Shape) float64 {
	t := 0.0
	for _, s := range shapes {
		t += s.Area()
	}
	return t
}

// Map applies f to each shape.
func Map[T any](shapes []Shape, f func(Shape) T) []T {
	out := make([]T, 0, len(shapes))
	for _, s := range shapes {
		out = append(out, f(s))
	}
	return out
}
