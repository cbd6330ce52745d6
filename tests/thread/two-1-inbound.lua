-- Instance 1 of the two-instance test: a confidential inbound mail to a member.
local t = dofile(os.getenv("FORTROLIG_MT_DIR") .. "/lib.lua")

t.main(function()
	local res = t.send{ from = "borger@example.org", rcpts = { t.member }, qid = "TWO0001",
		subject = "Min far", body = "Kære Anne\n\n" .. t.sensitive_text .. "\nMvh Lise\n" }
	t.expect_pass(res)
	t.expect_log(res, { "thread memory: learned inbound mail" })
end)
