;;; tenet.el --- Tenet guideline checks through eglot  -*- lexical-binding: t; -*-

;; Usage: (add-to-list 'load-path "/path/to/tenet/editors/emacs") (require 'tenet)
;; Then M-x eglot in a Markdown, text or .tenet buffer, or add eglot-ensure to their hooks.

;;; Code:

(require 'eglot)

(defgroup tenet nil "Tenet guideline checks." :group 'tools)

(defcustom tenet-command '("tenet" "lsp")
  "Command that starts Tenet's language server."
  :type '(repeat string))

(defcustom tenet-settings '(:debounceMs 100)
  "Settings sent to the server as initializationOptions under `tenet'."
  :type 'plist)

(defvar tenet-mode-font-lock-keywords
  `((,(regexp-opt '("guideline" "rule" "triage" "param" "list" "file") 'words) . font-lock-keyword-face)
    (,(regexp-opt '("find" "when" "unless" "escalate" "level" "message" "link" "suggest" "replace" "append"
                    "delete" "once" "limit" "redact" "review" "bad" "good" "fixed" "category" "priority"
                    "otherwise" "valid" "near" "within" "has" "in" "is" "and" "or" "not" "count")
                  'words) . font-lock-builtin-face)
    (,(regexp-opt '("error" "warning" "info" "hint") 'words) . font-lock-constant-face)
    ("/\\(?:\\\\.\\|[^/\n]\\)+/[imsx]*" . font-lock-string-face)))

;;;###autoload
(define-derived-mode tenet-mode prog-mode "Tenet"
  "Major mode for Tenet rule files."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+\\s-*")
  (modify-syntax-entry ?# "<" tenet-mode-syntax-table)
  (modify-syntax-entry ?\n ">" tenet-mode-syntax-table)
  (modify-syntax-entry ?- "_" tenet-mode-syntax-table)
  (setq-local font-lock-defaults '(tenet-mode-font-lock-keywords)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.tenet\\'" . tenet-mode))

;; Saved e-mail drafts: message-mode, which the server below is started for.
;;;###autoload
(add-to-list 'auto-mode-alist '("\\.eml\\'" . message-mode))

(add-to-list 'eglot-server-programs
             `((markdown-mode gfm-mode text-mode message-mode tenet-mode)
               . (,@tenet-command :initializationOptions (:tenet ,tenet-settings))))

(provide 'tenet)
;;; tenet.el ends here
