//go:build !a

package app

import chi "example.com/router/v5"

var variant = &chi.Cache{}
