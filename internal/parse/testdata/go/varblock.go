package main

func (c *Client) do(req *Request) {
	var (
		deadline      = c.deadline()
		reqs          []*Request
		resp          *Response
		copyHeaders   = c.makeHeadersCopier(req)
		reqBodyClosed = false // have we closed the current req.Body?

		// Redirect behavior:
		redirectMethod        string
		includeBody           = true
		stripSensitiveHeaders = false
	)
	resp.closeBody()
}
