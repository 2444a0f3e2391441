// Package auth owns the admin's identity: accounts with bcrypt-hashed
// passwords, server-side sessions kept in the database (so every instance
// sharing it knows them), CSRF tokens bound to the session, and the rate
// limit on login attempts. It gives echo middleware to the admin pages;
// what an admin may do once logged in is the admin package's business.
package auth
