using Azure.Identity;
using Azure.Storage.Blobs;

var blobs = new BlobServiceClient(new Uri("https://claimsdocs.blob.core.windows.net"), new DefaultAzureCredential());
