"""REST: the front end (:mod:`.app`), public routes (:mod:`.public`), signed routes (:mod:`.auth`) and the account
route tables (:mod:`.account`, :mod:`.trading`, :mod:`.funding`, :mod:`.merchant`)."""
