# Broadcaster node image: build with the .NET SDK, run on the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Cluster.sln ./
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet publish src/Node/Node.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# 6001: WebSockets and the HTTP API; 4000: cluster traffic between nodes; 8558: the cluster bootstrap's management
# endpoint (discovery methods config and dns), which only the other nodes probe.
EXPOSE 6001 4000 8558
HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["dotnet", "Broadcaster.Node.dll", "probe", "--port", "6001"]
ENTRYPOINT ["dotnet", "Broadcaster.Node.dll"]
CMD ["serve"]
