// A program that registers nothing: what the mocks and the SDK cost before any resource.
export = async () => ({});
