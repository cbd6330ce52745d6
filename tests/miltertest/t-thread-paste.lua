-- t-thread-paste: two sentences of a remembered confidential mail pasted into a new
-- mail (no reply headers, no CPR number, no keyword in them) are caught by the
-- content fingerprints; the same signature and greeting alone are not.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

local story = "Hun er faldet tre gange i hjemmet siden sommerferien, senest en nat hvor hun " ..
	"lå på køkkengulvet, til hjemmeplejen kom om morgenen. Datteren fortæller, at moren " ..
	"ofte glemmer at spise og flere gange ikke har kunnet finde hjem fra Brugsen.\n"
local sig = "\nMed venlig hilsen\n\nRasmus Friis\nVisitator, Sundhed og Omsorg\nBakkeby Kommune\n"

t.main(function()
	t.start{ conf = "thread" }
	local inbound = t.send{ from = "borger@example.org", rcpts = { t.member }, qid = "IN0002",
		subject = "Borger", body = "Hej Anne\n\n" .. t.sensitive_text .. "\n" .. story .. sig }
	t.expect_pass(inbound)
	t.expect_log(inbound, { "thread memory: learned inbound mail" })

	local paste = t.send{ from = t.member, rcpts = { "journalist@example.org" },
		subject = "Ventelister", body = "Hej Louise\n\nEt eksempel: " .. story ..
		"\nSådan kan vi ikke være bekendt.\n\nAnne\n" }
	t.expect_reject(paste, { kind = "reject", cats = { "cpr", "health", "thread" },
		where = { "body" }, rcpts = { "journalist@example.org" } })
	t.expect_log(paste, { "class=sensitive", "where=body", "action=reject" })

	local same_sig = t.send{ from = t.member, rcpts = { "journalist@example.org" },
		subject = "Møde", body = "Hej Louise\n\nVi ses til mødet om budgettet på torsdag." .. sig }
	t.expect_pass(same_sig)
	t.expect_header_added(same_sig, "X-Fortrolig", { "class=clean" })
end)
