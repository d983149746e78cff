// cbor-x loads its optional native extractor inside try/catch and falls back to JavaScript.
throw new Error('cbor-extract native helper not installed; cbor-x uses its JavaScript decoder');
