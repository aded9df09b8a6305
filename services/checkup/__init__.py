"""The community check-up (社区体检): queries over the centre's own records for a period.

compute.checkup(session, period, now) runs every dimension (people, facilities, reach, use,
outreach, findings) as plain functions with explicit dates; privacy.public() turns the result
into what may leave the centre (counts under 5 read "<5", no names).
"""
