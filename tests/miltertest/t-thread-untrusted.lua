-- t-thread-untrusted: inbound mail from a client that neither is a trusted relay nor
-- passes SPF (example.org's record names another address) is not learned from, so an
-- outsider cannot poison the memory; a reply to it is judged on its own text.
-- SPF records come from conf/spf.zone (spf.test_zone): the tests cannot reach DNS.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	t.start{ conf = "thread" }
	local inbound = t.send{ from = "borger@example.org", rcpts = { t.member }, qid = "IN0003",
		client = { host = "mx.example.net", ip = "198.51.100.9" },
		subject = "Min far", body = "Kære Anne\n\n" .. t.sensitive_text }
	t.expect_pass(inbound)
	t.expect_log_lacks("learned inbound")

	local reply = t.send{ from = t.member, rcpts = { "lise@example.org" }, subject = "SV: Min far",
		extra_headers = { { "In-Reply-To", "<IN0003.fortrolig-test@bakkeby.dk>" } },
		body = "Tak, jeg ringer til dig i morgen.\n\nAnne\n" }
	t.expect_pass(reply)
	t.expect_header_added(reply, "X-Fortrolig", { "class=clean" })

	-- The same sender from the address its SPF record names is learned from.
	local ok = t.send{ from = "borger@example.org", rcpts = { t.member }, qid = "IN0004",
		client = { host = "mail.example.org", ip = "203.0.113.5" },
		subject = "Min far", body = "Kære Anne\n\n" .. t.sensitive_text }
	t.expect_pass(ok)
	t.expect_log(ok, { "thread memory: learned inbound mail" })
end)
