import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useId, useState } from 'react';
import { useFocusRing } from '../../lib/focus';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  /** Text of the confirm button. */
  confirmLabel: string;
  /** Text of the button that closes the dialog without acting. */
  cancelLabel?: string;
  /** When set, the user types this text before the confirm button works. */
  confirmationText?: string;
  /** The action; the dialog shows its error and stays open if it throws. */
  onConfirm(): Promise<unknown>;
  onClose(): void;
}

/** A dialog that confirms one action, and shows why it failed if it did. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, title, confirmationText, onConfirm, onClose } = props;
  const titleId = useId();
  const inputId = useId();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const focus = useFocusRing();

  const close = () => {
    if (busy) {
      return;
    }
    setTyped('');
    setError(undefined);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setTyped('');
      setBusy(false);
      onClose();
    } catch (e) {
      setBusy(false);
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  };

  const typedOk = confirmationText === undefined || typed === confirmationText;

  return (
    <Dialog open={open} onClose={close} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        {props.children}
        {confirmationText !== undefined && (
          <TextField
            id={inputId}
            label={`Type ${confirmationText} to confirm`}
            value={typed}
            onChange={e => setTyped(e.target.value)}
            fullWidth
            margin="normal"
            autoComplete="off"
          />
        )}
        {error && (
          <Alert severity="error" role="alert">
            {error.message}
          </Alert>
        )}
      </DialogContent>
      {/* No focus ripple: Material UI v4 starts it from an effect that, on
          React 18, can run before the ripple is mounted (a fast Enter then
          Tab crashed the card). A focus ring shows keyboard focus instead. */}
      <DialogActions>
        <Button
          onClick={close}
          disabled={busy}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
        >
          {props.cancelLabel ?? 'Back'}
        </Button>
        <Button
          onClick={confirm}
          disableFocusRipple
          focusVisibleClassName={focus.focusVisible}
          color="primary"
          variant="contained"
          disabled={busy || !typedOk}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
