package httpapi

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"gopkg.in/yaml.v3"
)

// openapiYAML is the API's OpenAPI 3 document, kept by hand next to the
// handlers; a test checks that every route is in it and that real responses
// match it.
//
//go:embed openapi.yaml
var openapiYAML []byte

var (
	openapiOnce sync.Once
	openapiJSON []byte
	openapiErr  error
)

// OpenAPIJSON returns the document as JSON.
func OpenAPIJSON() ([]byte, error) {
	openapiOnce.Do(func() {
		var doc any
		if openapiErr = yaml.Unmarshal(openapiYAML, &doc); openapiErr != nil {
			return
		}
		openapiJSON, openapiErr = json.Marshal(jsonable(doc))
	})
	return openapiJSON, openapiErr
}

// jsonable turns YAML's map[string]any trees (with possibly non-string keys
// such as response codes) into JSON-encodable ones.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = jsonable(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[toString(k)] = jsonable(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = jsonable(x)
		}
		return t
	default:
		return v
	}
}

func toString(k any) string {
	b, _ := json.Marshal(k)
	if s, ok := k.(string); ok {
		return s
	}
	return string(b)
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	doc, err := OpenAPIJSON()
	if err != nil {
		s.log.Error("openapi document", "error", err)
		http.Error(w, "openapi document unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}
