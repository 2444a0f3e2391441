package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the configuration table in ../README.md from Settings")

const (
	readmePath     = "../README.md"
	settingsBegin  = "<!-- settings:begin (generated from config.Settings: go test ./config -run TestREADMEConfigTable -update-readme) -->"
	settingsEnd    = "<!-- settings:end -->"
	settingsHeader = "| key | env | flag | default | meaning |\n|---|---|---|---|---|\n"
)

// readmeRow is how the README shows one setting.
func readmeRow(s Setting) []string {
	def := "*(none)*"
	if s.Default != "" {
		def = "`" + s.Default + "`"
	}
	return []string{"`" + s.Key + "`", "`" + s.Env() + "`", "`--" + s.Flag() + "`", def,
		strings.ReplaceAll(s.Help, "|", `\|`)}
}

func readmeTable() string {
	var b strings.Builder
	b.WriteString(settingsHeader)
	for _, s := range Settings {
		b.WriteString("| " + strings.Join(readmeRow(s), " | ") + " |\n")
	}
	return b.String()
}

// splitRow splits a Markdown table row into trimmed cells, keeping escaped
// pipes inside cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// TestREADMEConfigTable keeps the README's configuration table true: every
// setting is there, in order, with its env var, flag, default and meaning,
// and nothing else is.
func TestREADMEConfigTable(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	readme := string(data)
	begin := strings.Index(readme, settingsBegin)
	end := strings.Index(readme, settingsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md has no configuration table between %q and %q", settingsBegin, settingsEnd)
	}
	section := readme[begin+len(settingsBegin) : end]

	if *updateREADME {
		updated := readme[:begin+len(settingsBegin)] + "\n" + readmeTable() + readme[end:]
		if err := os.WriteFile(readmePath, []byte(updated), 0o644); err != nil {
			t.Fatalf("write README: %v", err)
		}
		section = "\n" + readmeTable()
	}

	var keys []string
	rows := map[string][]string{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		cells := splitRow(line)
		if cells[0] == "key" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		key := strings.Trim(cells[0], "`")
		keys = append(keys, key)
		rows[key] = cells
	}

	columns := []string{"key", "env", "flag", "default", "meaning"}
	known := map[string]bool{}
	for _, s := range Settings {
		known[s.Key] = true
		got, ok := rows[s.Key]
		if !ok {
			t.Errorf("README configuration table has no row for setting %s", s.Key)
			continue
		}
		want := readmeRow(s)
		if len(got) != len(want) {
			t.Errorf("README row for %s has %d cells, want %d (%s)", s.Key, len(got), len(want), strings.Join(columns, ", "))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("README row for %s: %s is %s, want %s", s.Key, columns[i], got[i], want[i])
			}
		}
	}
	for _, k := range keys {
		if !known[k] {
			t.Errorf("README configuration table documents %q, which is not in config.Settings", k)
		}
	}
	var order []string
	for _, s := range Settings {
		order = append(order, s.Key)
	}
	if fmt.Sprint(keys) != fmt.Sprint(order) && !t.Failed() {
		t.Errorf("README configuration table lists settings in the order %v, want %v", keys, order)
	}
	if t.Failed() {
		t.Logf("the table should read:\n%s\n(go test ./config -run TestREADMEConfigTable -update-readme rewrites it)", readmeTable())
	}
}
