// kubernetes-models and its helpers publish ES modules with only an "import"
// export condition; Jest resolves with "require". Resolve just those packages
// with "import" (Jest's transform turns them into CommonJS).
const ESM_ONLY = /^(@kubernetes-models\/|kubernetes-models(\/|$))/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request)
      ? { ...options, conditions: ['import', 'default'] }
      : options,
  );
