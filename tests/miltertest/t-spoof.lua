-- t-spoof: a council member's address sent from a client that SPF fails for bakkeby.dk
-- is rejected as spoofing at MAIL FROM (550 5.7.1, Danish then English); from an address the SPF
-- record authorises it is member mail as usual.
-- SPF records come from conf/spf.zone (spf.test_zone): the tests cannot reach DNS.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

t.main(function()
	t.start{ conf = "thread" }
	local spoof = t.send{ from = t.member, rcpts = { "ext@gmail.com" },
		client = { host = "evil.example.net", ip = "198.51.100.7" }, body = t.clean_text }
	-- Refused at MAIL FROM (miltertest can compare reply texts only at end of message;
	-- the text is texts.spoof_da/spoof_en, see fortrolig.conf(5)).
	t.expect_reply(spoof, SMFIR_REPLYCODE)
	if spoof.stopped_at ~= "mail" then t.fail("refused at %s, not at MAIL", tostring(spoof.stopped_at)) end
	t.expect_log(spoof, { "spoofed council sender", "spf=fail" })

	local real = t.send{ from = t.member, rcpts = { "ext@gmail.com" },
		client = { host = "exchange.bakkeby.dk", ip = "192.0.2.10" }, body = t.clean_text }
	t.expect_pass(real)
	t.expect_header_added(real, "X-Fortrolig", { "class=clean" })
end)
