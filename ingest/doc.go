// Package ingest turns the body of a POST /api/post_stats into a validated
// Stats record: it checks the HMAC signature against the configured ingest
// keys and decodes the leaderboard-serverless payload strictly.
//
// It owns the wire format of a posted result and nothing else: it must not
// import the database, HTTP framework or scoring packages.
package ingest
