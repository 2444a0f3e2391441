package mediaserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// The JSON shapes are MediaMTX v3's (internal/defs: APIPath, APIRTMPConn),
// including the deprecated fields older clients still read.

type apiSourceOrReader struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type apiTrack struct {
	Codec      string `json:"codec"`
	CodecProps any    `json:"codecProps"`
}

type apiH264Props struct {
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Profile string `json:"profile"`
	Level   string `json:"level"`
}

type apiMPEG4AudioProps struct {
	SampleRate   int `json:"sampleRate"`
	ChannelCount int `json:"channelCount"`
}

type apiPath struct {
	Name                 string              `json:"name"`
	ConfName             string              `json:"confName"`
	Source               *apiSourceOrReader  `json:"source"`
	Available            bool                `json:"available"`
	AvailableTime        *time.Time          `json:"availableTime"`
	Online               bool                `json:"online"`
	OnlineTime           *time.Time          `json:"onlineTime"`
	Ready                bool                `json:"ready"`
	ReadyTime            *time.Time          `json:"readyTime"`
	Tracks               []string            `json:"tracks"`
	Tracks2              []apiTrack          `json:"tracks2"`
	InboundBytes         uint64              `json:"inboundBytes"`
	OutboundBytes        uint64              `json:"outboundBytes"`
	InboundFramesInError uint64              `json:"inboundFramesInError"`
	BytesReceived        uint64              `json:"bytesReceived"`
	BytesSent            uint64              `json:"bytesSent"`
	Readers              []apiSourceOrReader `json:"readers"`
}

type apiRTMPConn struct {
	ID                      string    `json:"id"`
	Created                 time.Time `json:"created"`
	RemoteAddr              string    `json:"remoteAddr"`
	State                   string    `json:"state"`
	Path                    string    `json:"path"`
	Query                   string    `json:"query"`
	User                    string    `json:"user"`
	UserAgent               string    `json:"userAgent"`
	InboundBytes            uint64    `json:"inboundBytes"`
	OutboundBytes           uint64    `json:"outboundBytes"`
	OutboundFramesDiscarded uint64    `json:"outboundFramesDiscarded"`
	BytesReceived           uint64    `json:"bytesReceived"`
	BytesSent               uint64    `json:"bytesSent"`
}

type apiList[T any] struct {
	ItemCount int `json:"itemCount"`
	PageCount int `json:"pageCount"`
	Items     []T `json:"items"`
}

// apiError is MediaMTX's error body.
type apiError struct {
	Status string `json:"status"` // "error"
	Error  string `json:"error"`
}

// apiOK is MediaMTX's answer to an action such as a kick.
type apiOK struct {
	Status string `json:"status"` // "ok"
}

func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/paths/list", s.handlePathsList)
	mux.HandleFunc("GET /v3/paths/get/{name...}", s.handlePathsGet)
	mux.HandleFunc("GET /v3/rtmpconns/list", s.handleConnsList)
	mux.HandleFunc("GET /v3/rtmpconns/get/{id}", s.handleConnsGet)
	mux.HandleFunc("POST /v3/rtmpconns/kick/{id}", s.handleConnsKick)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "not found")
	})
	return s.apiAuth(mux)
}

// apiAuth admits a request if a user with the api action matches: "any"
// from the client's address, or the basic-auth user and password (the
// gateway sends admin:<-mediaMTXApiPassword>).
func (s *Server) apiAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ip netip.Addr
		if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
			ip = ap.Addr().Unmap()
		}
		name, pass, ok := r.BasicAuth()
		if !s.users.basic(ActionAPI, ip, name, pass, ok) {
			if !ok {
				w.Header().Set("WWW-Authenticate", `Basic realm="mediamtx"`)
			}
			writeAPIError(w, http.StatusUnauthorized, "authentication error")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The client may be gone; there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, msg string) {
	writeAPIJSON(w, status, apiError{Status: "error", Error: msg})
}

// paginate applies MediaMTX's ?page=&itemsPerPage= (defaults 0 and 100).
func paginate[T any](r *http.Request, items []T) (apiList[T], error) {
	page, perPage := 0, 100
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return apiList[T]{}, fmt.Errorf("invalid 'page' parameter")
		}
		page = n
	}
	if v := q.Get("itemsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return apiList[T]{}, fmt.Errorf("invalid 'itemsPerPage' parameter")
		}
		perPage = n
	}
	out := apiList[T]{ItemCount: len(items), Items: []T{}}
	if len(items) == 0 {
		return out, nil
	}
	out.PageCount = (len(items) + perPage - 1) / perPage
	// Checked before multiplying: page*perPage could overflow.
	if page >= out.PageCount {
		return out, nil
	}
	lo := page * perPage
	hi := min(lo+perPage, len(items))
	out.Items = items[lo:hi]
	return out, nil
}

func (s *Server) handlePathsList(w http.ResponseWriter, r *http.Request) {
	list, err := paginate(r, s.apiPaths())
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAPIJSON(w, http.StatusOK, list)
}

func (s *Server) handlePathsGet(w http.ResponseWriter, r *http.Request) {
	name := strings.Trim(r.PathValue("name"), "/")
	for _, p := range s.apiPaths() {
		if p.Name == name {
			writeAPIJSON(w, http.StatusOK, p)
			return
		}
	}
	writeAPIError(w, http.StatusNotFound, "path not found")
}

func (s *Server) handleConnsList(w http.ResponseWriter, r *http.Request) {
	list, err := paginate(r, s.apiConns())
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAPIJSON(w, http.StatusOK, list)
}

// pathConn is the connection named by the request's path, or nil after
// answering as MediaMTX does: 400 for an id that is not a UUID, 404 for one
// that is not open.
func (s *Server) pathConn(w http.ResponseWriter, r *http.Request) *conn {
	id := r.PathValue("id")
	if !isUUID(id) {
		writeAPIError(w, http.StatusBadRequest, "invalid connection ID")
		return nil
	}
	s.mu.Lock()
	c := s.conns[id]
	s.mu.Unlock()
	if c == nil {
		writeAPIError(w, http.StatusNotFound, "connection not found")
		return nil
	}
	return c
}

func (s *Server) handleConnsGet(w http.ResponseWriter, r *http.Request) {
	c := s.pathConn(w, r)
	if c == nil {
		return
	}
	writeAPIJSON(w, http.StatusOK, c.apiItem())
}

func (s *Server) handleConnsKick(w http.ResponseWriter, r *http.Request) {
	c := s.pathConn(w, r)
	if c == nil {
		return
	}
	c.kick()
	writeAPIJSON(w, http.StatusOK, apiOK{Status: "ok"})
}

// isUUID says whether id has a UUID's form (8-4-4-4-12 hex digits), the
// only connection ids MediaMTX accepts; anything else is a 400 there.
func isUUID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, c := range id {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// h264Level is level_idc as MediaMTX writes it: "3" for 30, "3.1" for 31.
func h264Level(idc int) string {
	if idc%10 == 0 {
		return strconv.Itoa(idc / 10)
	}
	return fmt.Sprintf("%d.%d", idc/10, idc%10)
}

func (s *Server) apiConns() []apiRTMPConn {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	items := make([]apiRTMPConn, 0, len(conns))
	for _, c := range conns {
		items = append(items, c.apiItem())
	}
	slices.SortFunc(items, func(a, b apiRTMPConn) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return items
}

func (c *conn) apiItem() apiRTMPConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	in, out := c.BytesReceived(), c.BytesSent()
	return apiRTMPConn{
		ID:                      c.id,
		Created:                 c.created,
		RemoteAddr:              c.remoteAddr,
		State:                   c.state.String(),
		Path:                    c.pathName,
		Query:                   c.query,
		User:                    c.user,
		UserAgent:               c.userAgent,
		InboundBytes:            in,
		OutboundBytes:           out,
		OutboundFramesDiscarded: c.discarded.Load(),
		BytesReceived:           in,
		BytesSent:               out,
	}
}

func (s *Server) apiPaths() []apiPath {
	s.mu.Lock()
	paths := make([]*path, 0, len(s.paths))
	for _, p := range s.paths {
		paths = append(paths, p)
	}
	s.mu.Unlock()
	items := make([]apiPath, 0, len(paths))
	for _, p := range paths {
		items = append(items, p.apiItem())
	}
	slices.SortFunc(items, func(a, b apiPath) int { return strings.Compare(a.Name, b.Name) })
	return items
}

func (p *path) apiItem() apiPath {
	p.mu.Lock()
	defer p.mu.Unlock()
	item := apiPath{
		Name:                 p.name,
		ConfName:             "all_others",
		Source:               &apiSourceOrReader{Type: "rtmpConn", ID: p.source.id},
		Tracks:               []string{},
		Tracks2:              []apiTrack{},
		InboundBytes:         p.source.BytesReceived(),
		InboundFramesInError: p.framesInError.Load(),
		Readers:              []apiSourceOrReader{},
	}
	if p.ready {
		t := p.readyTime
		item.Available, item.AvailableTime = true, &t
		item.Online, item.OnlineTime = true, &t
		item.Ready, item.ReadyTime = true, &t
	}
	if p.haveVideo {
		item.Tracks = append(item.Tracks, "H264")
		item.Tracks2 = append(item.Tracks2, apiTrack{Codec: "H264", CodecProps: apiH264Props{
			Width:   p.params.sp.Width(),
			Height:  p.params.sp.Height(),
			Profile: h264ProfileName(p.params.sp.ProfileIdc),
			Level:   h264Level(int(p.params.sp.LevelIdc)),
		}})
	}
	if a := p.params.aac; a != nil {
		item.Tracks = append(item.Tracks, "MPEG-4 Audio")
		item.Tracks2 = append(item.Tracks2, apiTrack{Codec: "MPEG-4 Audio", CodecProps: apiMPEG4AudioProps{
			SampleRate: a.SampleRate, ChannelCount: aacChannels(a),
		}})
	}
	for r := range p.readers {
		item.Readers = append(item.Readers, apiSourceOrReader{Type: "rtmpConn", ID: r.c.id})
		item.OutboundBytes += r.c.BytesSent()
	}
	slices.SortFunc(item.Readers, func(a, b apiSourceOrReader) int { return strings.Compare(a.ID, b.ID) })
	item.BytesReceived, item.BytesSent = item.InboundBytes, item.OutboundBytes
	return item
}

func h264ProfileName(idc uint8) string {
	switch idc {
	case 66:
		return "Baseline"
	case 77:
		return "Main"
	case 88:
		return "Extended"
	case 100:
		return "High"
	case 110:
		return "High 10"
	case 122:
		return "High 4:2:2"
	case 244:
		return "High 4:4:4 Predictive"
	default:
		return strconv.Itoa(int(idc))
	}
}

// aacChannels maps channel_configuration to a count: 1–6 are themselves,
// 7 is 7.1; 0 (layout in the stream) is reported as 0.
func aacChannels(a *mpeg4audio.AudioSpecificConfig) int {
	switch {
	case a.ChannelConfig >= 1 && a.ChannelConfig <= 6:
		return int(a.ChannelConfig)
	case a.ChannelConfig == 7:
		return 8
	}
	return 0
}
