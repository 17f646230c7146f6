package app

import "example.com/gogeneric/zoo"

// Run instantiates zoo.Greet with *zoo.Cat, explicitly.
func Run() {
	var c *zoo.Cat
	zoo.Greet[*zoo.Cat](c)
}
