module example.com/goconv

go 1.22
