package store

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func Buckets(ctx context.Context) (*s3.Client, *http.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"))
	if err != nil {
		return nil, nil, err
	}
	return s3.NewFromConfig(cfg), &http.Client{}, nil
}
