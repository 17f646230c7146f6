package b

// Help helps.
func Help() {}
