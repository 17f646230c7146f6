// Package broken does not type-check.
package broken

import "example.com/goshapes/shape"

// Bad returns a string as a number.
func Bad() int {
	return shape.Total(nil) + "x"
}
