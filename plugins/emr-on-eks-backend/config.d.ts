import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the EMR on EKS plugin set. */
  emrOnEks?: {
    aws?: {
      /**
       * Endpoint override for every AWS API the plugin calls, for moto or
       * LocalStack. Leave unset in production.
       */
      endpoint?: string;
      /** Seconds to wait for a connection to an AWS API. Default 5. */
      connectTimeoutSeconds?: number;
      /**
       * Seconds each AWS API call may take before it fails (throttling and
       * failures are retried, up to 5 attempts). Default 30.
       */
      requestTimeoutSeconds?: number;
    };
    iam?: {
      /**
       * Prefix of each tenant's job-execution role name: role name = prefix +
       * tenant name. Default `emr-tenant-`. Together with the tenant name it
       * must fit IAM's 64-character limit.
       */
      roleNamePrefix?: string;
      /** IAM path of the roles, default `/`. */
      rolePath?: string;
      /**
       * ARN of a permissions boundary put on every tenant role; a cluster in
       * another account uses the policy of the same path and name there.
       */
      permissionsBoundaryArn?: string;
    };
    /** EKS clusters that tenants can be onboarded to. */
    clusters: Array<{
      /** Name tenants use to refer to this cluster. */
      name: string;
      /** AWS account id of the cluster, 12 digits. */
      accountId: string;
      /** AWS region of the cluster, like us-east-1. */
      region: string;
      /** Name of the EKS cluster (the EMR container provider id). */
      eksClusterName: string;
      /**
       * OIDC issuer of the cluster, with or without `https://`, like
       * `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`.
       */
      oidcIssuer: string;
      /**
       * The cluster's account seen from the backend's: every AWS call for
       * this cluster (IAM, S3, logs, EMR, EKS, SQS) uses credentials from
       * assuming `roleArn`, refreshed before they expire. Left out, the
       * backend's own credentials are used. See docs/cross-account.md for
       * the role's policy.
       */
      aws?: {
        /** The role to assume, like arn:aws:iam::210987654321:role/backstage-emr-on-eks. */
        roleArn?: string;
        /**
         * The external id the role's trust policy asks for.
         * @visibility secret
         */
        externalId?: string;
        /** The session name (CloudTrail shows it); default backstage-emr-on-eks. */
        sessionName?: string;
      };
      /**
       * How the tenants' Spark pods get their job-execution role: `irsa` (the
       * cluster's IAM OIDC provider; the default) or `podIdentity` (the EKS
       * Pod Identity agent add-on and an association per EMR service account;
       * EMR 7.3.0 or later).
       */
      identity?: 'irsa' | 'podIdentity';
      /**
       * What the cluster bootstrap bundle (GET /clusters/:name/bootstrap) is
       * made of: Karpenter node pools and node class.
       */
      bootstrap?: {
        /** Node IAM role of Karpenter's nodes; default KarpenterNodeRole-<eksClusterName>. */
        nodeRole?: string;
        /** EC2NodeClass AMI alias, like al2023@latest (the default) or bottlerocket@latest. */
        amiAlias?: string;
        /** Tags of the nodes' subnets; default karpenter.sh/discovery: <eksClusterName>. */
        subnetSelectorTags?: { [key: string]: string };
        /** Tags of the nodes' security groups; default karpenter.sh/discovery: <eksClusterName>. */
        securityGroupSelectorTags?: { [key: string]: string };
        /** Instance families of the Spot executors (diversified). */
        spotInstanceFamilies?: string[];
        /** Instance families of the On-Demand drivers and job submitters. */
        onDemandInstanceFamilies?: string[];
        /**
         * The nodes' EBS volume in GiB (EMR's images and Spark's local
         * scratch), 20 to 16384; default 100.
         */
        nodeVolumeGiB?: number;
        /** CPU limit of the Spot node pool, in cores; default 1000. */
        spotMaxCpu?: number;
        /** CPU limit of the On-Demand node pool, in cores; default 200. */
        onDemandMaxCpu?: number;
        /** How long a node lives before it is replaced; default 720h. */
        expireAfter?: string;
      };
      /**
       * Node label that tells Spot from On-Demand capacity:
       * `eks.amazonaws.com/capacityType` (managed node groups, the default) or
       * `karpenter.sh/capacity-type` (Karpenter).
       */
      capacityTypeLabel?: string;
      /**
       * Label values for a custom capacityTypeLabel; the two known labels
       * have their values built in.
       */
      capacityTypeValues?: { onDemand: string; spot: string };
      /**
       * S3 bucket for the tenants' pod templates, logs, Spark fallback storage
       * and scratch (`s3://<bucket>/tenants/<tenant>/`). It must exist.
       * Required (or its deprecated name podTemplateBucket).
       */
      assetsBucket?: string;
      /**
       * @deprecated Use assetsBucket. Still read, with a warning at start-up.
       */
      podTemplateBucket?: string;
      kubernetes: {
        /**
         * `gitops` writes a kustomization directory per tenant for Argo CD or
         * Flux, into a plain directory or a Git repository; `direct` applies
         * with server-side apply.
         */
        mode: 'gitops' | 'direct';
        /**
         * gitops: directory to write to (relative paths resolve from the
         * working directory). Exclusive with repository.
         */
        directory?: string;
        /**
         * gitops: commit into a Git repository instead of a plain directory
         * (exclusive with directory). Each reconcile that changes files makes
         * one commit naming the tenant and pushes it; a push rejected because
         * another replica pushed first is retried on the new tip.
         */
        repository?: {
          /**
           * `https://`, `http://`, `ssh://` or `file://` URL of the
           * repository, without credentials (use auth).
           */
          url: string;
          /** Branch to commit to, default `main`; created if missing. */
          branch?: string;
          /** Directory inside the repository to write, default `.`. */
          path?: string;
          /** Author and committer of the commits. */
          author?: {
            /** Default `Backstage EMR on EKS`. */
            name?: string;
            /** Default `emr-on-eks@backstage.invalid`. */
            email?: string;
          };
          /**
           * https/http only: HTTP basic authentication, sent as a header and
           * never written to the clone's configuration. ssh:// URLs use the
           * backend's SSH keys instead.
           */
          auth?: {
            /**
             * User name, default `x-access-token`; GitHub and GitLab accept
             * any user name with an access token.
             */
            username?: string;
            /**
             * Access token (or password) allowed to push to the branch.
             * @visibility secret
             */
            token: string;
          };
          /**
           * Directory of the plugin's own clone, default a directory under the
           * OS temporary directory named after a hash of url and branch.
           */
          workdir?: string;
          /** Push attempts before a reconcile step fails, default 5. */
          maxPushAttempts?: number;
          /** Time limit of each git command, in seconds, default 120. */
          timeoutSeconds?: number;
        };
        /** direct: API server URL. */
        url?: string;
        /** direct: base64 PEM of the cluster CA. */
        caData?: string;
        /**
         * direct: how to authenticate to the API server. `token` (default)
         * sends `token`; `aws` sends EKS tokens made from the backend's AWS
         * credentials (as `aws eks get-token` does), renewed every 10 minutes;
         * map the backend's IAM role with an EKS access entry.
         */
        authProvider?: 'token' | 'aws';
        /**
         * direct: bearer token.
         * @visibility secret
         */
        token?: string;
        /** direct: path of a kubeconfig file to use instead of url/token. */
        kubeconfig?: string;
        /** direct: kubeconfig context, default the current one. */
        context?: string;
        /** direct: skip TLS verification (only for local test clusters). */
        skipTLSVerify?: boolean;
        /** direct: seconds each Kubernetes API call may take. Default 30. */
        requestTimeoutSeconds?: number;
      };
      /**
       * What the platform allows every tenant of this cluster. A tenant spec
       * may ask for anything inside these and nothing outside; a spec outside
       * is refused with a 400 naming the field, the value and the rule.
       */
      guardrails?: {
        /**
         * The only S3 locations a tenant may be granted (`s3://bucket/prefix/`,
         * with `{tenant}` and `{namespace}` placeholders), each with the most
         * access a grant there may ask for. Default: none. The assets bucket is
         * never grantable. A write grant may not overlap any other tenant's
         * grant; read grants may overlap only inside patterns marked `shared`.
         */
        dataAccess?: Array<{
          s3: string;
          access: 'read' | 'read-write';
          shared?: boolean;
        }>;
        /** Largest ResourceQuota per key. Default: the spec defaults x 4. */
        maxQuota?: { [key: string]: string };
        /** Largest LimitRange max per container. Default: cpu 32, memory 256Gi. */
        maxLimitRange?: { cpu?: string; memory?: string };
        /** Egress grants must lie inside one of these CIDR blocks. Default: none. */
        allowedEgressCidrs?: string[];
        /** Lowest Pod Security Standard a tenant may ask for. Default: baseline. */
        minPodSecurity?: 'privileged' | 'baseline' | 'restricted';
        /** Priority tiers tenants may use. Default: low, standard. */
        allowedPriorityTiers?: Array<'low' | 'standard' | 'high'>;
        /**
         * Namespaces no tenant may use, besides default and kube-*. Default:
         * the namespaces of common add-ons (monitoring, karpenter, argocd,
         * cert-manager, ...).
         */
        reservedNamespaces?: string[];
        /**
         * Spark keys (or prefixes ending in `*`) jobs may set beyond the
         * built-in allow-list, for example `spark.eventLog.*`. Default: none.
         */
        extraSparkConfKeys?: string[];
        /**
         * Maven repositories `spark.jars.packages` may resolve from (and
         * `spark.jars.repositories` may name). Default: none, so no packages.
         */
        mavenRepositories?: string[];
        /**
         * Most driver retries a job run may ask for (its `retries`; EMR then
         * gets `retryPolicyConfiguration.maxAttempts` = retries + 1), 0 to 10.
         * EMR bills every attempt as a job run. Default 2.
         */
        maxRetries?: number;
        /**
         * Image repositories a job may run in `spark.kubernetes.container.image`,
         * `spark.kubernetes.driver.container.image` and
         * `spark.kubernetes.executor.container.image`. An entry is a registry
         * host and a repository path: ending in `/` it allows every repository
         * below that path (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark-custom/`
         * allows `spark-custom/team-a`, not `spark-custom` nor `spark-custom-x`;
         * `registry/` allows the whole registry); without it, exactly that
         * repository. Any tag or digest; lowercase, no tag or digest in the
         * entry. Images are parsed first and compared by registry and whole
         * path components. Default: the EMR on EKS release images of the
         * cluster's region (`<account>.dkr.ecr.<region>.amazonaws.com/spark/`),
         * none in a region the plugin does not know; `[]` allows only the
         * release's own image.
         */
        allowedImages?: string[];
      };
      /**
       * EMR's job-run events (source `aws.emr-containers`), pushed by an
       * EventBridge rule into an SQS queue the backend long-polls, so a run's
       * state is in Backstage within seconds. Optional: without it the sync
       * alone keeps runs up to date. See docs/operations.md for the rule, the
       * queue policy and the IAM permissions.
       */
      events?: {
        /** URL of the SQS queue the rule delivers to; left out, events are off. */
        queueUrl?: string;
      };
    }>;
    /**
     * Backstage notifications the plugin sends (with
     * @backstage/plugin-notifications installed). Each is on by default.
     */
    notifications?: {
      /** A job run failed: its submitter and the owners of its entity. */
      jobRunFailed?: boolean;
      /** A job run was cancelled by someone other than its submitter: the same people. */
      jobRunCancelled?: boolean;
      /** A tenant became Ready: the person who asked for the change. */
      tenantReady?: boolean;
      /** A tenant's reconcile failed: the person who asked for the change. */
      tenantFailed?: boolean;
      /**
       * A tenant's month crossed a threshold of its budget (the month to
       * date or the forecast): the tenant's owner, once per threshold and
       * month. Default true.
       */
      budgetThreshold?: boolean;
      /**
       * User or group refs that get one digest per budget check listing the
       * thresholds crossed in it (such as group:default/platform-team).
       * Default none.
       */
      budgetDigest?: string[];
    };
    /**
     * The clusters' preflight (GET /clusters, the Clusters tab) and what
     * onboarding does with it.
     */
    clusterPreflight?: {
      /**
       * Onboarding onto a cluster whose preflight has a failed check:
       * `refuse` (default) refuses it for everyone but platform admins
       * (holders of emr-on-eks.cluster.read), who are warned; `warn` warns
       * everyone; `off` does not run the preflight at onboarding.
       */
      onboarding?: 'refuse' | 'warn' | 'off';
      /** How long a cluster's preflight result is reused. Default 60. */
      cacheSeconds?: number;
    };
    /** Defaults of the job runs the plugin composes, and the job-run sync. */
    jobs?: {
      /** StorageClass of executors' reusable local disks (PVCs). Default gp3. */
      storageClass?: string;
      /** Size of each executor's local disk unless a request sets one. Default 50Gi. */
      localStorage?: string;
      /** EMR job-start-timeout: seconds a run may wait to start. Default 900. */
      startTimeoutSeconds?: number;
      sync?: {
        /** How often every tenant's runs are synced from EMR. Default every minute. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** How far back the first sync of a tenant looks. Default 30 days. */
        initialLookbackDays?: number;
        /** Overlap of each incremental sync with the previous one, in seconds. Default 300. */
        safetyMarginSeconds?: number;
      };
      /** The log endpoints of a run (`/job-runs/:id/logs`). */
      logs?: {
        /**
         * Most characters of a stream one log page holds (the default and
         * largest `?limit=`), 1,000 to 5,000,000. Default 262144.
         */
        maxPageCharacters?: number;
        /** Most log streams listed for one run (the rest are left out), 10 to 20,000. Default 2000. */
        maxStreams?: number;
      };
    };
    /**
     * Chargeback: where the EMR uplift and the compute of each job come
     * from, rolled up daily into the plugin's database. Absent: costs are
     * off and the cost endpoints say so (`sources` null).
     */
    costs?: {
      /** Where the EMR on EKS uplift comes from (the CUR): `athena` or `duckdb` (local files). Default duckdb. */
      uplift?: 'athena' | 'duckdb';
      /**
       * Where pod compute comes from: `kubecost` or `opencost` (their
       * allocation APIs), `cur-split` (split cost allocation data in the
       * CUR, through the uplift engine) or `duckdb` (a Kubecost allocation
       * export in local files). Default duckdb.
       */
      compute?: 'kubecost' | 'opencost' | 'cur-split' | 'duckdb';
      /** The CUR cost column charged: `unblended` (default) or `net-unblended` (after discounts). */
      costColumn?: 'unblended' | 'net-unblended';
      /** ISO 4217 currency of the bill and the rates. Default USD. */
      currency?: string;
      athena?: {
        /** Glue database of the CUR table (a plain identifier). */
        database: string;
        /** The CUR table (a plain identifier). */
        table: string;
        /** Athena workgroup. Default primary. */
        workgroup?: string;
        /** s3:// URI for query results, unless the workgroup sets one. */
        outputLocation?: string;
        /** Region of the workgroup. Default the first cluster's. */
        region?: string;
        /** `cur2` (Data Exports, the default) or `legacy` (CUR with flat tag columns). */
        layout?: 'legacy' | 'cur2';
        /**
         * A role in the CUR's account that Athena queries run as (assumed,
         * refreshed before expiry). Left out, the backend's own credentials.
         */
        roleArn?: string;
        /**
         * The external id the role's trust policy asks for.
         * @visibility secret
         */
        externalId?: string;
        /** Seconds one query may take. Default 600. */
        queryTimeoutSeconds?: number;
      };
      duckdb?: {
        /** CUR-shaped CSV or Parquet files, a glob (by extension). */
        curPath?: string;
        /** Kubecost allocation export files, a glob; columns in examples/cost-data/README.md. */
        kubecostPath?: string;
      };
      kubecost?: {
        /** Kubecost's cost-analyzer, like http://kubecost-cost-analyzer.kubecost:9090. */
        baseUrl: string;
      };
      opencost?: {
        /** OpenCost's API, like http://opencost.opencost:9003. */
        baseUrl: string;
      };
      /**
       * EMR on EKS uplift per requested vCPU-hour and GB-hour, per region,
       * for the estimate of the days the bill does not cover yet; from the
       * EMR pricing page. A region without a rate gets no estimate.
       */
      rates?: {
        [region: string]: { vcpuHour: number; gbHour: number };
      };
      /**
       * On-Demand price over Spot price, for Spot savings when the source
       * has no On-Demand figures (Kubecost, OpenCost). Absent: not shown.
       */
      onDemandToSpotRatio?: number;
      /** Days the scheduled rollup recomputes, ending today. Default 7. */
      lookbackDays?: number;
      /** The longest period one request may ask for, in days. Default 400. */
      maxRangeDays?: number;
      /** How often the rollup runs. Default every hour, timeout 15 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    reconcile?: {
      /**
       * How often every tenant is reconciled to repair drift and resume
       * interrupted work. Default every 10 minutes, timeout 5 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
