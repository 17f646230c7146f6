package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/codegraph-dev/codegraph/pkg/client"
)

// Example searches a server on the default address and lists a
// function's callers (not run: it needs `codegraph serve`).
func Example() {
	ctx := context.Background()
	cg, err := client.New("http://127.0.0.1:8080") // client.WithAPIKey(key) when the server has keys
	if err != nil {
		log.Fatal(err)
	}
	res, err := cg.Search(ctx, "resolve call edges", &client.SearchOptions{Limit: 5})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Printf("%s  %s:%d  %.2f\n", h.QualifiedName, h.File, h.Line, h.Score)
	}
	callers, err := cg.Callers(ctx, "resolve.Run", 1)
	var ae *client.APIError
	switch {
	case errors.As(err, &ae) && errors.Is(err, client.ErrAmbiguous):
		for _, s := range ae.Candidates() {
			fmt.Println("did you mean", s.QualifiedName, s.File)
		}
	case err != nil:
		log.Fatal(err)
	default:
		for _, it := range callers.Items {
			fmt.Println(it.Symbol.QualifiedName)
		}
	}
}
