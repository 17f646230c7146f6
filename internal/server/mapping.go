package server

import "github.com/codegraph-dev/codegraph/internal/service"

// mapLayerError answers the errors of the service and the layers below
// with the service's one taxonomy (service.Classify): its status, its
// code, its message with the REST hint, and its details (the candidates
// of an ambiguous symbol, a lock holder's pid). Nil for internal errors,
// timeouts and cancellations, which toAPIError answers itself.
func mapLayerError(err error) *apiError {
	c := service.Classify(err)
	switch c {
	case service.CodeInternal, service.CodeTimeout, service.CodeCanceled:
		return nil
	}
	ae := &apiError{Status: c.HTTPStatus(), Code: c.String(), Message: service.Explain(err, service.DoorREST)}
	if d := service.Details(err); d != nil {
		ae.Details = d
	}
	return ae
}
