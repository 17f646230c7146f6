// Package draw uses the shapes.
package draw

import (
	"example.com/goshapes/shape"
)

// Canvas embeds a square: its Area is promoted.
type Canvas struct {
	shape.Square
	name string
}

// Area is a local function named like the methods.
func Area() float64 { return 0 }

// Describe calls through the embedded field, a generic function, a
// function value and a conversion.
func Describe(c Canvas) []float64 {
	a := c.Area()
	area := shape.Shape.Area
	_ = area
	f := Area
	_ = f()
	n := float64(len(c.name))
	return shape.Map([]shape.Shape{c, &shape.Circle{R: a + n}}, measure)
}

func measure(s shape.Shape) float64 { return shape.Total([]shape.Shape{s}) }
