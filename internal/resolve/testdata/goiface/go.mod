module example.com/goiface

go 1.22
