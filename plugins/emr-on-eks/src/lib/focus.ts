import { makeStyles, Theme } from '@material-ui/core/styles';

/**
 * A clear keyboard-focus outline (WCAG 2.4.7): the Backstage theme marks
 * focus with a faint background only. Shown for keyboard focus, not clicks.
 */
export function focusRing(theme: Theme) {
  return {
    outline: `2px solid ${theme.palette.primary.main}`,
    outlineOffset: 2,
  };
}

/** `focusVisible`: a class for Material UI's `focusVisibleClassName`; `root`: any element. */
export const useFocusRing = makeStyles(
  theme => ({
    focusVisible: focusRing(theme),
    // Two rules: a browser that does not know :focus-visible drops a rule
    // that names it, and Material UI marks keyboard focus with a class.
    // Doubled (&&) to win over Material UI's own, whatever the sheets' order.
    root: {
      '&&.Mui-focusVisible': focusRing(theme),
      '&&:focus-visible': focusRing(theme),
    },
  }),
  { name: 'EmrOnEksFocusRing' },
);
