-- send.lua: the messages of tests/metrics/run-metrics.sh, through miltertest to a milter
-- the script started (FORTROLIG_MT_EXTERNAL). Each message's verdict is checked here
-- (reply, decision log line, learning), then written as one line of expectations to
-- FORTROLIG_METRICS_EXPECT for check.py, which compares the scraped counters with them.
--   FORTROLIG_METRICS_PHASE   "enforce" (every kind of message) or "monitor" (one reject)
local dir = os.getenv("FORTROLIG_MT_DIR")
local t = dofile(dir .. "/lib.lua")

local phase = os.getenv("FORTROLIG_METRICS_PHASE") or "enforce"
local expect_path = assert(os.getenv("FORTROLIG_METRICS_EXPECT"), "FORTROLIG_METRICS_EXPECT is not set")
local out = assert(io.open(expect_path, "w"))

-- Texts of their own, so that no message but the paste meets the thread memory.
local story = "Hun er faldet tre gange i hjemmet siden sommerferien, senest en nat hvor hun " ..
	"lå på køkkengulvet, til hjemmeplejen kom om morgenen. Datteren fortæller, at moren " ..
	"ofte glemmer at spise og flere gange ikke har kunnet finde hjem fra Brugsen.\n"
local quoted = "Tak, det kigger jeg på.\n\nAnne\n\n" ..
	"Den 2. marts 2026 kl. 09.12 skrev Lise Berg <lise.berg@bakkeby.dk>:\n> Kære Anne\n>\n" ..
	"> Sagen om Mads Lund, CPR-nr. 140549-0389, er nu afsluttet af kommunen.\n>\n> Mvh Lise\n"

local function log_lines(qid)
	local f = assert(io.open(t.logfile, "r"))
	local lines = {}
	for line in f:lines() do
		if line:find(qid .. ": fortrolig: ", 1, true) then lines[#lines + 1] = line end
	end
	f:close()
	return lines
end

-- One message's expectations: e.dir, e.class, e.cats ("a,b"), e.where (one place), e.action,
-- e.mode, e.learned, e.reject (reason), e.tempfail (cause); e.analysed = false for a message
-- refused before end of message; e.logged_action when the log line words the action otherwise.
local function record(res, e)
	local learned = false
	for _, l in ipairs(log_lines(res.msg.qid)) do
		if l:find("thread memory: learned", 1, true) then learned = true end
	end
	if learned ~= (e.learned == true) then
		t.fail("%s: learned is %s, expected %s", res.msg.qid, tostring(learned), tostring(e.learned))
	end
	if e.learned then
		t.expect_log(res, { "thread memory: learned " .. e.dir .. " mail, class=" .. e.class })
	end
	if e.analysed ~= false and e.dir == "outbound" then
		t.expect_log(res, { " class=" .. e.class .. " cats=" .. (e.cats or "") .. " where=" ..
			(e.where or "") .. " ", " action=" .. (e.logged_action or e.action) .. " ", " mode=" .. e.mode })
	end
	local pairs_ = {}
	for c in (e.cats or ""):gmatch("[^,]+") do pairs_[#pairs_ + 1] = c .. ":" .. e.where end
	out:write(string.format("analysed=%d dir=%s class=%s findings=%s action=%s mode=%s " ..
		"hit=%d learned=%d reject=%s tempfail=%s\n", e.analysed == false and 0 or 1, e.dir,
		e.class or "-", #pairs_ > 0 and table.concat(pairs_, ",") or "-", e.action or "-",
		e.mode or "-", (e.cats or ""):find("thread", 1, true) and 1 or 0, e.learned and 1 or 0,
		e.reject or "-", e.tempfail or "-"))
	out:flush()
end

local function enforce()
	for i = 1, 2 do
		local clean = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "Mødet " .. i,
			body = t.clean_text }
		t.expect_pass(clean)
		t.expect_header_added(clean, "X-Fortrolig", { "class=clean", "action=deliver" })
		record(clean, { dir = "outbound", class = "clean", action = "deliver", mode = "enforce" })
	end

	local tls = t.send{ from = t.member, rcpts = { "x@tls.example" }, subject = "Sag",
		body = "Hej\n\n" .. t.sensitive_text }
	t.expect_pass(tls)
	t.expect_header_equals(tls, "X-Fortrolig-Route", "tls-verify")
	record(tls, { dir = "outbound", class = "sensitive", cats = "cpr,health", where = "body",
		action = "tls", mode = "enforce", learned = true })

	local reply = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "SV: Henvendelse",
		body = quoted }
	t.expect_reject(reply, { rcpts = { "ext@gmail.com" } }, { da = { "traad" }, en = { "start a new" } })
	record(reply, { dir = "outbound", class = "sensitive", cats = "cpr", where = "quoted",
		action = "reject", logged_action = "reject(new-thread)", mode = "enforce",
		reject = "new-thread" })

	local inbound = t.send{ from = "borger@example.org", rcpts = { t.member }, subject = "Min mor",
		body = "Hej Anne\n\n" .. story .. "\nCPR-nr. 140549-0389\n\nMed venlig hilsen\nRasmus\n" }
	t.expect_pass(inbound)
	t.expect_no_header_added(inbound, "X-Fortrolig")
	record(inbound, { dir = "inbound", class = "sensitive", learned = true })

	local paste = t.send{ from = t.member, rcpts = { "journalist@example.org" }, subject = "Ventelister",
		body = "Hej Louise\n\nEt eksempel: " .. story .. "\nSådan kan vi ikke være bekendt.\n\nAnne\n" }
	t.expect_reject(paste, { rcpts = { "journalist@example.org" } })
	record(paste, { dir = "outbound", class = "sensitive", cats = "cpr,thread", where = "body",
		action = "reject", mode = "enforce", reject = "domain-rule" })

	local spoof = t.send{ from = t.member, rcpts = { "ext@gmail.com" },
		client = { host = "evil.example.net", ip = "198.51.100.7" }, body = t.clean_text }
	t.expect_reply(spoof, SMFIR_REPLYCODE)
	if spoof.stopped_at ~= "mail" then t.fail("spoof refused at %s, not at MAIL", tostring(spoof.stopped_at)) end
	record(spoof, { analysed = false, dir = "outbound", reject = "spoofed-sender" })

	-- Over limits.max_message_size with on_limit = tempfail.
	local big = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "Referat",
		body = string.rep("Udvalget drøftede budgettet for næste år og vedtog det.\n", 200) }
	t.expect_reply(big, SMFIR_REPLYCODE)
	if not t.reply_equals(big, "451 4.7.1 Message could not be analysed; try again later") then
		t.fail("the oversized message did not get the 451 reply")
	end
	record(big, { dir = "outbound", class = "clean", action = "tempfail", mode = "enforce",
		tempfail = "limit" })
end

-- Monitor mode: what enforce would reject passes, counted as action=reject, mode=monitor
-- and not as a reject.
local function monitor()
	local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, subject = "Sagen",
		body = "Hej Peter\n\n" .. t.sensitive_text }
	t.expect_pass(res)
	t.expect_header_added(res, "X-Fortrolig", { "class=sensitive", "action=reject", "mode=monitor" })
	record(res, { dir = "outbound", class = "sensitive", cats = "cpr,health", where = "body",
		action = "reject", mode = "monitor", learned = true })
end

t.main(function()
	if phase == "monitor" then monitor() else enforce() end
	out:close()
	-- No content in the log either (the scrape is checked by check.py).
	t.expect_log_lacks("140549", "lungekr", "køkkengulvet")
end)
