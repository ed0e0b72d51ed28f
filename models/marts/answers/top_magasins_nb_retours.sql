{{ classement_magasins('nb_retours', var('q13_top_n')) }}
