;; English spoken by festival's Italian, Czech and Finnish diphone voices, for `tta synth --voices accent:VOICE`.
;; kal_diphone's English front end gives the phones, their durations and the F0 targets; each phone is renamed to
;; the nearest phone (or two) of the other language, and that language's voice says them with its own diphones:
;; an English sentence in a foreign speaker's voice, with that speaker's accent. Festival's English voices are
;; four speakers; these recordings of real people add natural-sounding ones. The Russian voice is unit selection: it
;; picks recorded phones by name and joins them, so the sentence keeps the recordings' durations and pitch (the
;; stretch and F0-RATIO below change nothing for it).
;; Entry point: (accent-say VOICE LANGUAGE TEXT DURATION-STRETCH F0-RATIO WAV), e.g.
;; (accent-say "pc_diphone" 'italian "The court was full." 1.1 1.0 "out.wav"); F0-RATIO scales kal's pitch
;; targets, so that a female or child voice can speak at its own pitch.

;; English phones (the radio phone set of kal_diphone) to each language's phones. Sounds a language lacks take
;; its nearest ones (th -> t, the schwa -> e), diphthongs two vowels; an empty mapping drops the phone.
(set! accent-phone-maps '(
 (italian
  (pau "#") (aa "a") (ae "E") (ah "a") (ao "O") (aw "a u") (ax "e") (axr "e r") (ay "a i") (eh "E") (er "e r")
  (ey "e i") (ih "i") (iy "i") (ow "o u") (oy "O i") (uh "u") (uw "u") (b "b") (ch "tS") (d "d") (dh "d") (dx "d")
  (f "f") (g "g") (hh "") (hw "w") (jh "dZ") (k "k") (l "l") (el "e l") (m "m") (em "e m") (n "n") (en "e n")
  (nx "n") (ng "n g") (p "p") (r "r") (s "s") (sh "S") (t "t") (th "t") (v "v") (w "w") (y "j") (z "z") (zh "Z"))
 (czech
  (pau "#") (aa "a:") (ae "e") (ah "a") (ao "o:") (aw "a u") (ax "e") (axr "e r") (ay "a j") (eh "e") (er "e r")
  (ey "e j") (ih "i") (iy "i:") (ow "o u") (oy "o j") (uh "u") (uw "u:") (b "b") (ch "c~") (d "d") (dh "d") (dx "d")
  (f "f") (g "g") (hh "h") (hw "u") (jh "dz~") (k "k") (l "l") (el "e l") (m "m") (em "e m") (n "n") (en "e n")
  (nx "n") (ng "n*") (p "p") (r "r") (s "s") (sh "s~") (t "t") (th "t") (v "v") (w "u") (y "j") (z "z") (zh "z~"))
 (finnish
  (pau "#") (aa "a:") (ae "@") (ah "a") (ao "o:") (aw "a u") (ax "e") (axr "e r") (ay "a i") (eh "e") (er "7 r")
  (ey "e i") (ih "i") (iy "i:") (ow "o u") (oy "o i") (uh "u") (uw "u:") (b "b") (ch "t S") (d "d") (dh "d") (dx "d")
  (f "f") (g "g") (hh "h") (hw "w") (jh "d S") (k "k") (l "l") (el "e l") (m "m") (em "e m") (n "n") (en "e n")
  (nx "n") (ng "N") (p "p") (r "r") (s "s") (sh "S") (t "t") (th "T") (v "v") (w "w") (y "j") (z "s") (zh "S"))
 ;; Indian English: t and d retroflex (T, D), dh a dental stop, th an aspirated one, w as v, z as j (no z in the set).
 (hindi
  (pau "pau") (aa "aa") (ae "ay") (ah "a") (ao "oo") (aw "aa uh") (ax "a") (axr "a r") (ay "aa ih") (eh "eh") (er "a r")
  (ey "eh") (ih "ih") (iy "iy") (ow "oh") (oy "oo ih") (uh "uh") (uw "uw") (b "b") (ch "ch") (d "D") (dh "dh") (dx "D")
  (f "f") (g "g") (hh "h") (hw "v") (jh "j") (k "k") (l "l") (el "a l") (m "m") (em "a m") (n "n") (en "a n")
  (nx "n") (ng "n g") (p "p") (r "r") (s "s") (sh "sh") (t "T") (th "tth") (v "v") (w "v") (y "y") (z "j") (zh "zh"))
 ;; ay is Russian's reduced vowel (a schwa after a hard consonant).
 (russian
  (pau "pau") (aa "a") (ae "e") (ah "a") (ao "oo") (aw "a u") (ax "ay") (axr "ay r") (ay "a j") (eh "e") (er "e r")
  (ey "e j") (ih "i") (iy "i") (ow "oo u") (oy "oo j") (uh "u") (uw "u") (b "b") (ch "ch") (d "d") (dh "z") (dx "d")
  (f "f") (g "g") (hh "h") (hw "u") (jh "d zh") (k "k") (l "l") (el "ay l") (m "m") (em "ay m") (n "n") (en "ay n")
  (nx "n") (ng "n g") (p "p") (r "r") (s "s") (sh "sh") (t "t") (th "s") (v "v") (w "u") (y "j") (z "z") (zh "zh"))))

(define (accent-split phones)
  (if (string-equal phones "") nil
      (mapcar (lambda (p) (format nil "%s" p)) (read-from-string (string-append "(" phones ")")))))

;; The Italian diphones mark a stressed vowel (a1, e1, ...), the Russian phones double it (aa, ee, ...).
(define (accent-name language phone stressed)
  (cond
   ((and stressed (eq language 'italian) (member_string phone '("i" "e" "E" "a" "o" "O" "u")))
    (string-append phone "1"))
   ((and stressed (eq language 'russian) (member_string phone '("i" "e" "a" "u")))
    (string-append phone phone))
   (t phone)))

;; One English segment as entries of a Segments utterance, (name duration (time f0)...): the phones it maps to
;; share its duration, the first takes its F0 targets (times from the segment's start, F0 times f0-ratio) and
;; its stress.
(define (accent-segment language f0-ratio s)
  (let ((start (item.feat s "segment_start")))
    (let ((phones (accent-split (cadr (assoc (intern (item.name s)) (cdr (assoc language accent-phone-maps))))))
          (duration (- (item.feat s "end") start))
          (stressed (and (string-equal (item.feat s "ph_vc") "+")
                         (string-equal (item.feat s "R:SylStructure.parent.stress") "1")))
          (targets (mapcar (lambda (target) (list (- (item.feat target "pos") start) (* f0-ratio (item.feat target "f0"))))
                           (item.relation.daughters s 'Target)))
          (first t))
      (mapcar (lambda (phone)
                (let ((entry (list (accent-name language phone (and first stressed)) (/ duration (length phones)))))
                  (if first (begin (set! first nil) (append entry targets)) entry)))
              phones))))

;; English text through kal_diphone's front end (up to durations and F0 targets) to the language's segments.
(define (accent-segments language text stretch f0-ratio)
  (voice_kal_diphone)
  (Parameter.set 'Duration_Stretch stretch)
  (let ((utt (eval (list 'Utterance 'Text text))))
    (Initialize utt) (Text utt) (Token_POS utt) (Token utt) (POS utt) (Phrasify utt) (Word utt) (Pauses utt)
    (Intonation utt) (PostLex utt) (Duration utt) (Int_Targets utt)
    (apply append (mapcar (lambda (s) (accent-segment language f0-ratio s)) (utt.relation.items utt 'Segment)))))

(define (accent-say voice language text stretch f0-ratio wav)
  (let ((segments (accent-segments language text stretch f0-ratio)))
    (eval (list (intern (string-append "voice_" voice))))
    (let ((utt (eval (list 'Utterance 'Segments segments))))
      (utt.synth utt)
      (utt.save.wave utt wav 'riff))))
