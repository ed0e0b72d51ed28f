{{ classement_magasins('note_moyenne', var('q10_top_n')) }}
