-- t-auth-user: a member who authenticates as an auth_users name counts as a council
-- member whatever the envelope sender; without that AUTH the same mail is not hers.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

local msg = { from = "anne.privat@gmail.com", rcpts = { "ext@gmail.com" }, body = "Hej\n\n" .. t.sensitive_text }

t.main(function()
	msg.auth = "anne.holm"
	local res = t.send(msg)
	t.expect_reject(res, { cats = { "cpr", "health" }, where = { "body" }, rcpts = { "ext@gmail.com" } })

	msg.auth, msg.qid = nil, nil
	res = t.send(msg)
	t.expect_pass(res)
	t.expect_no_header_added(res, "X-Fortrolig")
end)
