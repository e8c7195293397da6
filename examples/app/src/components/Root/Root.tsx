import { PropsWithChildren, useEffect, useState } from 'react';
import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { MyGroupsSidebarItem } from '@backstage/plugin-org';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import HomeIcon from '@material-ui/icons/Home';
import GroupIcon from '@material-ui/icons/People';
import SparkIcon from '@material-ui/icons/FlashOn';
import CreateIcon from '@material-ui/icons/AddCircleOutline';
import MenuIcon from '@material-ui/icons/Menu';
import SignOutIcon from '@material-ui/icons/ExitToApp';

const useStyles = makeStyles(theme => ({
  logo: {
    padding: theme.spacing(2, 3),
    color: theme.palette.common.white,
    fontWeight: theme.typography.fontWeightBold as number,
    whiteSpace: 'nowrap',
  },
}));

/** Who is signed in, and a way out (back to the example users). */
const SignedInUser = () => {
  const identityApi = useApi(identityApiRef);
  const [name, setName] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    identityApi.getProfileInfo().then(
      profile => !cancelled && setName(profile.displayName),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [identityApi]);
  return (
    <SidebarItem
      icon={SignOutIcon}
      text={name ? `Sign out ${name}` : 'Sign out'}
      onClick={() => identityApi.signOut()}
    />
  );
};

export const Root = ({ children }: PropsWithChildren<{}>) => {
  const classes = useStyles();
  return (
    <SidebarPage>
      <Sidebar>
        <Typography variant="h6" className={classes.logo}>
          EMR on EKS
        </Typography>
        <SidebarDivider />
        <SidebarGroup label="Menu" icon={<MenuIcon />}>
          <SidebarItem icon={HomeIcon} to="catalog" text="Home" />
          <MyGroupsSidebarItem
            singularTitle="My team"
            pluralTitle="My teams"
            icon={GroupIcon}
          />
          <SidebarDivider />
          <SidebarScrollWrapper>
            <SidebarItem icon={SparkIcon} to="emr-on-eks" text="EMR on EKS" />
            <SidebarItem icon={CreateIcon} to="create" text="Create..." />
          </SidebarScrollWrapper>
        </SidebarGroup>
        <SidebarSpace />
        <SidebarDivider />
        {/* The unread count, and a link to /notifications. */}
        <NotificationsSidebarItem />
        <SignedInUser />
      </Sidebar>
      {children}
    </SidebarPage>
  );
};
