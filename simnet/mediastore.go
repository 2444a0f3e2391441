package simnet

import (
	"container/list"
	"net/http"
	"path"
	"strconv"
	"sync"
	"time"
)

// mediaStore is the gateway's in-memory object store for AI results
// (go-livepeer's drivers.MemoryOS): each request's files live under
// /stream/<requestID>/, only the last mediaPerPath of a path are kept, and
// every file expires ttl after it was stored. A byte cap bounds the whole
// store, oldest first, so that a long demo cannot grow without end.
type mediaStore struct {
	mu       sync.Mutex
	ttl      time.Duration
	maxBytes int
	bytes    int
	all      *list.List // of *storedMedia, oldest first
	byPath   map[string]*list.List
}

// mediaPerPath is MemoryOS's per-session cache length.
const mediaPerPath = 12

type storedMedia struct {
	dir, name string
	data      []byte
	expires   time.Time
	inAll     *list.Element
	inPath    *list.Element
}

func newMediaStore(ttl time.Duration, maxBytes int) *mediaStore {
	return &mediaStore{ttl: ttl, maxBytes: maxBytes, all: list.New(), byPath: map[string]*list.List{}}
}

// put stores data as dir/name and returns its URL path.
func (s *mediaStore) put(dir, name string, data []byte, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	m := &storedMedia{dir: dir, name: name, data: data, expires: now.Add(s.ttl)}
	m.inAll = s.all.PushBack(m)
	files := s.byPath[dir]
	if files == nil {
		files = list.New()
		s.byPath[dir] = files
	}
	m.inPath = files.PushBack(m)
	s.bytes += len(data)
	for files.Len() > mediaPerPath {
		s.remove(files.Front().Value.(*storedMedia))
	}
	for s.bytes > s.maxBytes && s.all.Len() > 1 {
		s.remove(s.all.Front().Value.(*storedMedia))
	}
	return "/stream/" + dir + "/" + name
}

// get returns the file at dir/name, if it is still there.
func (s *mediaStore) get(dir, name string, now time.Time) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	files := s.byPath[dir]
	if files == nil {
		return nil, false
	}
	for e := files.Front(); e != nil; e = e.Next() {
		if m := e.Value.(*storedMedia); m.name == name {
			return m.data, true
		}
	}
	return nil, false
}

// expire drops everything past its time; files are in the order stored, so
// the expired ones are at the front.
func (s *mediaStore) expire(now time.Time) {
	for e := s.all.Front(); e != nil; e = s.all.Front() {
		m := e.Value.(*storedMedia)
		if now.Before(m.expires) {
			return
		}
		s.remove(m)
	}
}

func (s *mediaStore) remove(m *storedMedia) {
	s.all.Remove(m.inAll)
	files := s.byPath[m.dir]
	files.Remove(m.inPath)
	if files.Len() == 0 {
		delete(s.byPath, m.dir)
	}
	s.bytes -= len(m.data)
}

func contentTypeOf(name string) string {
	switch path.Ext(name) {
	case ".png":
		return "image/png"
	case ".mp4":
		return "video/mp4"
	case ".wav":
		return "audio/wav"
	}
	return "application/octet-stream"
}

// serveStream is GET /stream/<requestID>/<file> on the gateway's HTTP
// listener.
func (g *gateway) serveStream(w http.ResponseWriter, r *http.Request) {
	dir, file := r.PathValue("dir"), r.PathValue("file")
	data, ok := g.store.get(dir, file, time.Now())
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentTypeOf(file))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
