package livepeer

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"sort"
	"strings"
)

// writeMultipart writes fields then files, each in name order so that a
// job's body is reproducible.
func writeMultipart(buf *bytes.Buffer, job Job) (string, error) {
	w := multipart.NewWriter(buf)
	for _, k := range sortedKeys(job.Form) {
		if err := w.WriteField(k, job.Form[k]); err != nil {
			return "", err
		}
	}
	for _, k := range sortedKeys(job.Files) {
		f := job.Files[k]
		name := f.Name
		if name == "" {
			name = k
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(k), quoteEscaper.Replace(name)))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return "", err
		}
		if _, err := part.Write(f.Data); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
