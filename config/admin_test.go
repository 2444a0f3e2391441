package config

import (
	"strings"
	"testing"
	"time"
)

func TestAdminSettings(t *testing.T) {
	c, _, err := load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminUser != "admin" || c.AdminPassword != "" || c.AdminSessionTTL != 12*time.Hour || c.AdminSecureCookie || c.AdminLoginLimit != 5 {
		t.Fatalf("admin defaults = %+v", c)
	}
	c, _, err = load("serve", []string{"--admin-user", "ops@spe"}, env(map[string]string{"JOBTESTER_ADMIN_PASSWORD": "twelve chars"}))
	if err != nil || c.AdminUser != "ops@spe" || c.AdminPassword != "twelve chars" {
		t.Fatalf("admin from env and flag: %+v %v", c, err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--admin-user", ""}, "setting admin_user"},
		{[]string{"--admin-user", "a b"}, "setting admin_user"},
		{[]string{"--admin-user", strings.Repeat("a", 65)}, "setting admin_user"},
		{[]string{"--admin-password", "short"}, "setting admin_password: must be 12 to 72 bytes, got 5"},
		{[]string{"--admin-password", strings.Repeat("p", 73)}, "setting admin_password"},
		{[]string{"--admin-session-ttl", "30s"}, "setting admin_session_ttl"},
		{[]string{"--admin-session-ttl", "721h"}, "setting admin_session_ttl"},
		{[]string{"--admin-login-limit", "0"}, "setting admin_login_limit"},
		{[]string{"--admin-secure-cookie", "maybe"}, "setting admin_secure_cookie"},
	}
	for _, c := range cases {
		_, _, err := load("serve", c.args, env(nil))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
		// The password itself never appears in an error.
		if err != nil && strings.Contains(err.Error(), "short") && c.args[0] == "--admin-password" {
			t.Errorf("%v: error %q shows the password", c.args, err)
		}
	}
}
